// One setting of a settings_schema as a labelled control: bool (a checkbox), text, longtext,
// number, dropdown, radio, username, generated (read-only, with Regenerate) and custom (its
// value as raw JSON). Each shows its help text and has a place for its error, tied to the
// control with aria-describedby and aria-invalid.
import { h, replace, uniqueId } from "./dom.js";
import type { PluginSetting } from "./types.js";

export interface SettingField {
  key: string;
  /** The name the page shows for it. */
  label: string;
  element: HTMLElement;
  /** The value to save, or an Error saying why the input is not one. */
  read(): unknown;
  /** Shows `message` beside the control, or clears it. */
  showError(message: string | undefined): void;
  focus(): void;
}

export function settingField(setting: PluginSetting, current: unknown): SettingField {
  const id = uniqueId(`setting-${setting.key.replace(/\W/g, "_")}`);
  const helpId = `${id}-help`;
  const errorId = `${id}-error`;
  const label = setting.display_name || setting.key;
  const value = current === undefined ? setting.default : current;
  const helpText =
    typeof setting.help_text === "string" ? setting.help_text : setting.help_text?.defaultMessage;
  const help = helpText ? h("p", { id: helpId, class: "help" }, helpText) : undefined;
  const error = h("p", { id: errorId, class: "field-error" });
  const describedBy = [help ? helpId : "", errorId].filter(Boolean).join(" ");
  const control = buildControl(setting, id, value, describedBy);
  const element = h(
    "div",
    { class: `setting setting-${setting.type}`, "data-setting": setting.key },
    control.labelled ? h("label", { for: id }, label) : undefined,
    control.element,
    help,
    error,
  );
  if (!control.labelled) {
    // A group (radio) is labelled by its own legend.
    element.querySelector("legend")?.append(label);
  }
  return {
    key: setting.key,
    label,
    element,
    read: control.read,
    showError(message) {
      element.classList.toggle("invalid", message !== undefined);
      for (const input of element.querySelectorAll("input, select, textarea")) {
        if (message === undefined) input.removeAttribute("aria-invalid");
        else input.setAttribute("aria-invalid", "true");
      }
      replace(
        error,
        message === undefined ? "" : [h("span", { "aria-hidden": "true" }, "⚠ "), message],
      );
    },
    focus: () => element.querySelector<HTMLElement>("input, select, textarea")?.focus(),
  };
}

interface Control {
  element: HTMLElement;
  /** Whether the caller adds a <label for> (not for groups, which have a legend). */
  labelled: boolean;
  read(): unknown;
}

function buildControl(
  setting: PluginSetting,
  id: string,
  value: unknown,
  describedBy: string,
): Control {
  const common = { id, name: setting.key, "aria-describedby": describedBy };
  switch (setting.type) {
    case "bool": {
      const input = h("input", { ...common, type: "checkbox", checked: value === true });
      return { element: input, labelled: true, read: () => input.checked };
    }
    case "number": {
      const input = h("input", {
        ...common,
        type: "number",
        step: "any",
        value: typeof value === "number" ? value : "",
        placeholder: setting.placeholder || undefined,
      });
      return {
        element: input,
        labelled: true,
        read: () => {
          const number = Number(input.value);
          return input.value.trim() === "" || !Number.isFinite(number)
            ? new Error("Enter a number.")
            : number;
        },
      };
    }
    case "longtext": {
      const area = h("textarea", {
        ...common,
        rows: 4,
        placeholder: setting.placeholder || undefined,
      });
      area.value = typeof value === "string" ? value : "";
      return { element: area, labelled: true, read: () => area.value };
    }
    case "dropdown": {
      const select = h(
        "select",
        common,
        (setting.options ?? []).map((option) =>
          h(
            "option",
            { value: option.value, selected: option.value === value },
            option.display_name,
          ),
        ),
      );
      return { element: select, labelled: true, read: () => select.value };
    }
    case "radio": {
      const inputs = (setting.options ?? []).map((option, index) =>
        h("input", {
          type: "radio",
          id: `${id}-${index}`,
          name: id,
          value: option.value,
          checked: option.value === value,
          "aria-describedby": describedBy,
        }),
      );
      const group = h(
        "fieldset",
        { id, class: "radio-group" },
        h("legend", {}),
        inputs.map((input, index) =>
          h(
            "div",
            {},
            input,
            h("label", { for: input.id }, ` ${setting.options?.[index]?.display_name ?? ""}`),
          ),
        ),
      );
      return {
        element: group,
        labelled: false,
        read: () => inputs.find((input) => input.checked)?.value ?? "",
      };
    }
    case "generated": {
      const input = h("input", {
        ...common,
        readonly: true,
        value: typeof value === "string" ? value : "",
      });
      const regenerate = h(
        "button",
        {
          type: "button",
          onclick: () => {
            input.value = randomKey();
          },
        },
        "Regenerate",
      );
      return {
        element: h("div", { class: "generated" }, input, regenerate),
        labelled: true,
        read: () => input.value,
      };
    }
    case "custom": {
      const area = h("textarea", { ...common, rows: 6, class: "json", spellcheck: "false" });
      area.value = value === undefined ? "" : JSON.stringify(value, null, 2);
      return {
        element: area,
        labelled: true,
        read: () => {
          try {
            return area.value.trim() === "" ? null : JSON.parse(area.value);
          } catch (error) {
            return new Error(`Not valid JSON: ${(error as Error).message}`);
          }
        },
      };
    }
    default: {
      // text, username, and types this console does not know: their value as text.
      const input = h("input", {
        ...common,
        type: "text",
        autocomplete: setting.type === "username" ? "off" : undefined,
        placeholder: setting.placeholder || (setting.type === "username" ? "username" : undefined),
        value: typeof value === "string" ? value : "",
      });
      return { element: input, labelled: true, read: () => input.value };
    }
  }
}

/** 32 random characters of a URL-safe alphabet, as Mattermost generates such a setting. */
function randomKey(): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-";
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return Array.from(bytes, (byte) => alphabet[byte % alphabet.length]).join("");
}

// Settings of one plugin, a form generated from its manifest's settings_schema as Mattermost's
// System Console does: the header, the settings, each section (title, subtitle, header, its
// settings, footer), the footer. Saving sends all values at once (PUT .../config); when the host
// or the plugin (OnConfigurationChange) refuses them, nothing is saved and the message stands
// beside the setting it names, or above the form when it names none.
import { ApiError, api } from "./api.js";
import { h, pageHeading, replace } from "./dom.js";
import type { PageStop } from "./main.js";
import { type SettingField, settingField } from "./setting-field.js";
import type { PluginManifest, PluginSetting, PluginSettingsSchema } from "./types.js";

export function settingsPage(main: HTMLElement, pluginId: string): PageStop {
  const body = h("div", {}, h("p", {}, "Loading…"));
  replace(
    main,
    h("p", {}, h("a", { href: "#/plugins" }, "← Plugins")),
    pageHeading(`Settings: ${pluginId}`),
    body,
  );
  void load(body, pluginId);
  return () => undefined;
}

async function load(body: HTMLElement, pluginId: string): Promise<void> {
  let manifest: PluginManifest | undefined;
  let config: Record<string, unknown>;
  try {
    const plugins = await api.plugins();
    manifest = [...plugins.active, ...plugins.inactive].find((m) => m.id === pluginId);
    config = await api.config(pluginId);
  } catch (error) {
    replace(body, h("p", { role: "alert", class: "error" }, (error as Error).message));
    return;
  }
  const schema = manifest?.settings_schema as PluginSettingsSchema | undefined;
  if (manifest === undefined || schema === undefined) {
    replace(body, h("p", {}, `${manifest?.name ?? pluginId} has no settings.`));
    return;
  }
  replace(body, settingsForm(pluginId, schema, config));
}

function settingsForm(
  pluginId: string,
  schema: PluginSettingsSchema,
  config: Record<string, unknown>,
): HTMLFormElement {
  const fields: SettingField[] = [];
  const fieldsOf = (settings: PluginSetting[] | undefined) =>
    (settings ?? []).map((setting) => {
      const field = settingField(setting, config[setting.key]);
      fields.push(field);
      return field.element;
    });
  const formError = h("div", { id: "settings-error", "aria-live": "assertive" });
  const saved = h("p", { id: "settings-saved", role: "status" });
  const save = h("button", { type: "submit" }, "Save");

  const form = h(
    "form",
    {
      class: "settings",
      novalidate: true,
      onsubmit: async (event: Event) => {
        event.preventDefault();
        saved.textContent = "";
        replace(formError);
        for (const field of fields) field.showError(undefined);
        const values: Record<string, unknown> = {};
        for (const field of fields) {
          const value = field.read();
          if (value instanceof Error) {
            field.showError(value.message);
            field.focus();
            replace(
              formError,
              h("p", { class: "error" }, "Nothing was saved: fix the setting marked below."),
            );
            return;
          }
          values[field.key] = value;
        }
        save.disabled = true;
        try {
          await api.saveConfig(pluginId, values);
          saved.textContent = "Saved. The plugin has its new settings.";
        } catch (error) {
          const message = (error as Error).message;
          const field = fieldNamed(fields, message);
          const lead = error instanceof ApiError && error.status === 400 ? "Rejected" : "Not saved";
          replace(
            formError,
            h(
              "p",
              { class: "error", role: "alert" },
              field === undefined
                ? `${lead}, nothing was saved: ${message}`
                : `${lead}, nothing was saved: see ${field.label}.`,
            ),
          );
          if (field !== undefined) {
            field.showError(message);
            field.focus();
          }
        } finally {
          save.disabled = false;
        }
      },
    },
    schema.header && h("div", { class: "schema-header" }, schema.header),
    formError,
    fieldsOf(schema.settings),
    (schema.sections ?? []).map((section) => {
      const titleId = `section-${section.key}`;
      return h(
        "section",
        { class: "settings-section", "aria-labelledby": titleId },
        h("h2", { id: titleId }, section.title || section.key),
        section.subtitle && h("p", { class: "subtitle" }, section.subtitle),
        section.header && h("div", { class: "section-header" }, section.header),
        fieldsOf(section.settings),
        section.footer && h("div", { class: "section-footer" }, section.footer),
      );
    }),
    schema.footer && h("div", { class: "schema-footer" }, schema.footer),
    h("div", { class: "form-actions" }, save, saved),
  );
  return form;
}

/**
 * The setting an error message is about: the key in quotes (the host's own checks write
 * `setting "Key"`), else a key or a display name the message mentions as a word.
 */
function fieldNamed(fields: SettingField[], message: string): SettingField | undefined {
  const quoted = fields.find((field) => message.includes(`"${field.key}"`));
  if (quoted !== undefined) return quoted;
  const lower = message.toLowerCase();
  const word = (text: string) =>
    text !== "" && new RegExp(`(^|\\W)${escapeRegExp(text.toLowerCase())}(\\W|$)`).test(lower);
  return fields.find((field) => word(field.key) || word(field.label));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

// The plugin choice of the Logs and Activity pages: a labelled select of the loaded plugins
// that moves to the page's address for the plugin chosen.
import { api } from "./api.js";
import { h } from "./dom.js";

export function pluginPicker(page: string, current: string | undefined): HTMLElement {
  const select = h("select", { id: `${page}-plugin` }, h("option", { value: "" }, "Choose…"));
  select.addEventListener("change", () => {
    location.hash = `#/${page}/${encodeURIComponent(select.value)}`;
  });
  void api.statuses().then((statuses) => {
    for (const status of statuses) {
      select.append(
        h(
          "option",
          { value: status.plugin_id, selected: status.plugin_id === current },
          `${status.name || status.plugin_id} (${status.plugin_id})`,
        ),
      );
    }
  });
  return h("p", { class: "picker" }, h("label", { for: `${page}-plugin` }, "Plugin "), select);
}

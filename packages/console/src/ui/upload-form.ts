// The upload of a plugin bundle (.tar.gz): a file picker, or a file dropped on the zone, a
// progress bar while it is sent, and the host's error as it wrote it (413 too large, a bad
// manifest, an id already taken: then "Replace" sends it again with force).
import { ApiError, uploadBundle } from "./api.js";
import { h, replace } from "./dom.js";
import type { PluginManifest } from "./types.js";

export function uploadForm(onInstalled: (manifest: PluginManifest) => void): HTMLElement {
  const input = h("input", {
    id: "bundle-file",
    type: "file",
    accept: ".tar.gz,.tgz,application/gzip",
    class: "visually-hidden",
  });
  const replaceBox = h("input", { id: "bundle-replace", type: "checkbox" });
  const progress = h("progress", { id: "upload-progress", max: 1, value: 0, hidden: true });
  const progressLabel = h("label", { for: "upload-progress", hidden: true }, "Upload progress");
  const message = h("div", { id: "upload-message", "aria-live": "polite" });
  const zone = h(
    "div",
    { class: "drop-zone" },
    h("p", {}, "Drop a plugin bundle (.tar.gz) here, or "),
    h("label", { for: "bundle-file", class: "button" }, "Choose a bundle…"),
    input,
  );

  const send = async (file: File, force: boolean) => {
    replace(message);
    progress.hidden = false;
    progressLabel.hidden = false;
    progress.value = 0;
    try {
      const manifest = await uploadBundle(file, force, (fraction) => {
        progress.value = fraction;
      });
      replace(message, h("p", { role: "status" }, `Uploaded ${file.name}.`));
      onInstalled(manifest);
    } catch (error) {
      const apiError = error instanceof ApiError ? error : undefined;
      const status = apiError?.status ? ` (${apiError.status})` : "";
      const taken = apiError?.status === 409 && !force;
      replace(
        message,
        h(
          "p",
          { role: "alert", class: "error", "data-status": apiError?.status ?? 0 },
          h("strong", {}, `Upload of ${file.name} refused${status}: `),
          (error as Error).message,
        ),
        taken &&
          h(
            "button",
            { type: "button", onclick: () => send(file, true) },
            "Replace the installed plugin",
          ),
      );
    } finally {
      progress.hidden = true;
      progressLabel.hidden = true;
      input.value = "";
    }
  };

  input.addEventListener("change", () => {
    const file = input.files?.[0];
    if (file) void send(file, replaceBox.checked);
  });
  zone.addEventListener("dragover", (event) => {
    event.preventDefault();
    zone.classList.add("dragging");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("dragging"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("dragging");
    const file = event.dataTransfer?.files[0];
    if (file) void send(file, replaceBox.checked);
  });

  return h(
    "section",
    { class: "upload", "aria-labelledby": "upload-title" },
    h("h2", { id: "upload-title" }, "Upload a plugin"),
    zone,
    h(
      "p",
      {},
      replaceBox,
      h("label", { for: "bundle-replace" }, " Replace a plugin with the same id"),
    ),
    progressLabel,
    progress,
    message,
  );
}

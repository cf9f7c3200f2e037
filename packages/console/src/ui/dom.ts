// The one DOM helper the pages build with: h("button", { type: "button", onclick }, "Save").
// Attributes are set as attributes (so aria-* and data-* work), "on…" functions as listeners,
// and children are nodes or text (never parsed as HTML).

export type Child = Node | string | number | false | null | undefined | Child[];

type Attributes = Record<string, string | number | boolean | undefined | EventListener>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    if (typeof value === "function") {
      element.addEventListener(name.slice(2), value);
    } else if (name === "value" && "value" in element) {
      (element as HTMLInputElement).value = String(value);
    } else if (name === "checked" && element instanceof HTMLInputElement) {
      element.checked = Boolean(value);
    } else {
      element.setAttribute(name, value === true ? "" : String(value));
    }
  }
  append(element, children);
  return element;
}

export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces what `parent` holds with `children`. */
export function replace(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

/** "3 h 12 min" for a duration in ms. */
export function duration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

let nextId = 0;
/** A fresh id for tying a label or a description to its control. */
export function uniqueId(prefix: string): string {
  nextId += 1;
  return `${prefix}-${nextId}`;
}

/** A page's heading, focused once shown, so that a screen reader announces the new page. */
export function pageHeading(text: string): HTMLHeadingElement {
  document.title = `${text} · Plugwire console`;
  const heading = h("h1", { tabindex: -1 }, text);
  queueMicrotask(() => heading.focus());
  return heading;
}

/**
 * Asks to confirm in a modal dialog (keyboard: Tab between the buttons, Escape cancels);
 * resolves true when confirmed. Focus returns to where it was.
 */
export function confirmDialog(question: string, confirmLabel: string): Promise<boolean> {
  const before = document.activeElement as HTMLElement | null;
  const titleId = uniqueId("confirm-title");
  const dialog = h(
    "dialog",
    { "aria-labelledby": titleId, class: "confirm" },
    h("p", { id: titleId }, question),
    h(
      "form",
      { method: "dialog" },
      h("button", { value: "cancel", autofocus: true }, "Cancel"),
      h("button", { value: "confirm", class: "danger" }, confirmLabel),
    ),
  );
  document.body.append(dialog);
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => {
      dialog.remove();
      // A page that re-rendered meanwhile has put a new element, with the same key, in its place.
      const key = before?.dataset.key;
      const back =
        before?.isConnected || key === undefined
          ? before
          : document.querySelector<HTMLElement>(`[data-key="${CSS.escape(key)}"]`);
      back?.focus();
      resolve(dialog.returnValue === "confirm");
    });
    dialog.showModal();
  });
}

// The runtime's own Request and Response, read only when needed. Node defines both as lazy
// getters on globalThis that load its whole Fetch implementation (about 7.5 MiB of a plugin's
// memory) when first read, and a plugin may never serve HTTP: the SDK reads them here, once it
// has a request to answer, and never at start-up.
const requestProperty = Object.getOwnPropertyDescriptor(globalThis, "Request");
const responseProperty = Object.getOwnPropertyDescriptor(globalThis, "Response");

let nativeRequest: typeof Request | undefined;
let nativeResponse: typeof Response | undefined;

/** The runtime's Request class, as it was before the SDK installed its own. */
export function nativeRequestClass(): typeof Request {
  nativeRequest ??= read("Request", requestProperty) as typeof Request;
  return nativeRequest;
}

/** The runtime's Response class, as it was before the SDK installed its own. */
export function nativeResponseClass(): typeof Response {
  nativeResponse ??= read("Response", responseProperty) as typeof Response;
  return nativeResponse;
}

/**
 * Makes `name` a global whose value is made by `make` when first read (and stays what a later
 * assignment sets), as the runtime's own Fetch globals are.
 */
export function defineLazyGlobal(name: "Request" | "Response", make: () => unknown): void {
  Object.defineProperty(globalThis, name, {
    get: make,
    set(value: unknown) {
      Object.defineProperty(globalThis, name, { value, writable: true, configurable: true });
    },
    enumerable: false,
    configurable: true,
  });
}

/**
 * The value of the runtime's global property. Its lazy getter, once run, makes the global a
 * plain value (the runtime's class): what is installed there now is put back.
 */
function read(name: "Request" | "Response", property: PropertyDescriptor | undefined): unknown {
  const installed = Object.getOwnPropertyDescriptor(globalThis, name);
  const value = property?.get ? property.get.call(globalThis) : property?.value;
  if (installed !== undefined) {
    Object.defineProperty(globalThis, name, installed);
  }
  return value;
}

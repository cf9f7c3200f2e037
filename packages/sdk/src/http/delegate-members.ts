// The light Fetch objects answer what they keep themselves and every other member from the
// runtime's object, made when first needed. The members are read off the runtime's prototype,
// so whatever this Node version's Request or Response has (bytes(), duplex, …) is covered.

/**
 * Defines on `prototype` every member of `nativePrototype` that `prototype` does not define
 * itself, each answering from `native(this)`, and makes `parent` (the native prototype or a
 * subclass's) its prototype, so instanceof holds.
 */
export function delegateMembers<T extends object>(
  prototype: object,
  nativePrototype: T,
  native: (self: object) => T,
  parent: object = nativePrototype,
): void {
  for (const name of Object.getOwnPropertyNames(nativePrototype)) {
    if (name === "constructor" || Object.hasOwn(prototype, name)) {
      continue;
    }
    const descriptor = Object.getOwnPropertyDescriptor(nativePrototype, name);
    if (descriptor?.get !== undefined) {
      Object.defineProperty(prototype, name, {
        get(this: object) {
          return Reflect.get(native(this), name);
        },
        configurable: true,
      });
    } else if (typeof descriptor?.value === "function") {
      const method = descriptor.value as (...args: unknown[]) => unknown;
      Object.defineProperty(prototype, name, {
        value(this: object, ...args: unknown[]) {
          return method.apply(native(this), args);
        },
        writable: true,
        configurable: true,
      });
    }
  }
  Object.setPrototypeOf(prototype, parent);
}

// Node 20 has no Symbol.metadata, and standard decorators find a class's metadata through it:
// TypeScript's emitted decorator code skips metadata entirely when the symbol is missing, and
// esbuild falls back to Symbol.for("Symbol.metadata"). Defining it as that same registered
// symbol, as soon as the SDK is imported, makes both agree before any plugin class is defined.
const symbols = Symbol as unknown as { metadata?: symbol };
symbols.metadata ??= Symbol.for("Symbol.metadata");

/** Symbol.metadata, present or polyfilled. */
export const metadataSymbol: symbol = symbols.metadata;

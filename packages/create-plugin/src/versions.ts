// The versions a new project depends on: the Plugwire packages released together with this
// one. versions.spec.ts fails when a package's version moves and this file does not.

/** Version ranges of the Plugwire packages a created plugin depends on. */
export const PLUGWIRE_VERSIONS = {
  sdk: "^0.1.0",
  testing: "^0.1.0",
  pluginCli: "^0.1.0",
} as const;

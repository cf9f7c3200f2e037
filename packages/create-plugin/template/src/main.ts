// The plugin's executable: `npm run build` bundles this file into dist/plugin.mjs, the file
// plugin.json's server.executable names and the host starts.
import { runPlugin } from "@plugwire/sdk";
import { MyPlugin } from "./plugin.js";

runPlugin(MyPlugin);

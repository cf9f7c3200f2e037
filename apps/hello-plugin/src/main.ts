// The plugin's executable: the host starts this file (plugin.json's server.executable).
import { runPlugin } from "@plugwire/sdk";
import { HelloPlugin } from "./hello-plugin.js";

runPlugin(HelloPlugin);

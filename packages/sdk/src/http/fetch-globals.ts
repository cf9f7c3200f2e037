// Importing the SDK makes the light Fetch objects the process's Request and Response, as
// @hono/node-server does for its servers: a plugin's handler then builds a LightResponse with
// `new Response(…)` or `Response.json(…)`, which the SDK sends without making a web stream,
// and `new Request(request)` accepts the LightRequest a handler receives. Both are instances of
// the runtime's classes and behave as them; code holding the runtime's own classes still works.
import { installPluginRequest } from "./light-request.js";
import { installLightResponse } from "./light-response.js";

installPluginRequest();
installLightResponse();

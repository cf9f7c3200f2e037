// The metrics specs' plugin, run as a real process. ServeMetrics answers one line in the
// Prometheus text format naming the path it was asked for and the Mattermost-User-Id it got.
// Words in posts steer it: "hang" makes MessageWillBePosted never answer (a timeout), "throw"
// makes it throw (a failure); MessageHasBeenPosted calls GetUser twice, for the author (which
// answers) and for "nobody" (which fails).
import { allow, definePlugin, runPlugin } from "@plugwire/sdk";

runPlugin(
  definePlugin({
    async ServeMetrics(_ctx, request) {
      const url = new URL(request.url);
      const user = request.headers.get("mattermost-user-id") ?? "";
      const path = `${url.pathname}${url.search}`;
      return new Response(`test_plugin_metric{path="${path}",user="${user}"} 1\n`, {
        status: 200,
        headers: { "content-type": "text/plain; version=0.0.4", "x-plugin": "test.metrics" },
      });
    },
    async MessageWillBePosted(_ctx, post) {
      if (post.message.includes("hang")) return new Promise(() => {});
      if (post.message.includes("throw")) throw new Error("the metrics plugin fails this hook");
      return allow();
    },
    async MessageHasBeenPosted(_ctx, post) {
      await this.api.getUser(post.userId);
      await this.api.getUser("nobody").catch(() => undefined);
    },
  }),
);

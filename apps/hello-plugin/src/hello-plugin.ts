// The Hello plugin: what every Plugwire plugin looks like. It logs on activation, answers
// /hello, refuses posts containing "badword" and serves GET /api/hello. Copy this folder to
// start a plugin of your own.
import {
  allow,
  type CommandArgs,
  type CommandResponseInit,
  type HookContext,
  HookName,
  hook,
  Plugin,
  type Post,
  type PostDecision,
  reject,
} from "@plugwire/sdk";

/** Words this plugin refuses, compared case-insensitively. */
const BLOCKED_WORDS = ["badword"];

export class HelloPlugin extends Plugin {
  @hook(HookName.OnActivate)
  async activate(): Promise<void> {
    this.logger.info("Hello plugin activated");
    const version = await this.api.getServerVersion();
    this.logger.info(`Server version: ${version}`, { version });
    await this.api.registerCommand({
      trigger: "hello",
      displayName: "Hello",
      description: "Says hello back to you.",
      autoComplete: true,
      autoCompleteDesc: "Say hello",
    });
  }

  @hook(HookName.OnDeactivate)
  deactivate(): void {
    this.logger.info("Hello plugin deactivated");
  }

  @hook(HookName.MessageWillBePosted)
  filterMessage(_ctx: HookContext, post: Post): PostDecision {
    const message = post.message.toLowerCase();
    const blocked = BLOCKED_WORDS.find((word) => message.includes(word));
    return blocked ? reject(`Message blocked: "${blocked}" is not allowed here.`) : allow();
  }

  @hook(HookName.ExecuteCommand)
  executeCommand(_ctx: HookContext, args: CommandArgs): CommandResponseInit {
    const [trigger] = args.command.trim().split(/\s+/);
    if (trigger !== "/hello") {
      return { responseType: "ephemeral", text: `Unknown command: ${trigger}` };
    }
    return { responseType: "ephemeral", text: "Hello from Plugwire! 👋" };
  }

  @hook(HookName.ServeHTTP)
  serveHTTP(ctx: HookContext, request: Request): Response {
    const { pathname } = new URL(request.url);
    if (request.method === "GET" && pathname === "/api/hello") {
      return Response.json({ message: "Hello from Plugwire!", user_id: ctx.userId });
    }
    return Response.json({ error: `No route for ${request.method} ${pathname}` }, { status: 404 });
  }
}

// The plugin: a slash command that greets with the configured greeting, a hook that keeps
// empty-looking posts out, and an HTTP route. Its setting `greeting` is declared in plugin.json.
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

/** The slash command this plugin registers (without the slash). */
export const TRIGGER = "{{trigger}}";

export class MyPlugin extends Plugin {
  @hook(HookName.OnActivate)
  async activate(): Promise<void> {
    await this.api.registerCommand({
      trigger: TRIGGER,
      displayName: "{{name}}",
      description: "Greets you with the configured greeting.",
      autoComplete: true,
      autoCompleteDesc: "Get a greeting",
    });
    this.logger.info("activated");
  }

  @hook(HookName.ExecuteCommand)
  async greet(ctx: HookContext, _args: CommandArgs): Promise<CommandResponseInit> {
    const user = await this.api.getUser(ctx.userId);
    return { responseType: "ephemeral", text: `${this.greeting()}, @${user.username}!` };
  }

  @hook(HookName.MessageWillBePosted)
  checkPost(_ctx: HookContext, post: Post): PostDecision {
    return post.message.trim() === "..." ? reject("Say a little more than that.") : allow();
  }

  @hook(HookName.ServeHTTP)
  async serveHTTP(ctx: HookContext, request: Request): Promise<Response> {
    const { pathname } = new URL(request.url);
    if (request.method === "GET" && pathname === "/api/greeting") {
      // ctx.userId is the signed-in user as the host authenticated them ("" when anonymous).
      return Response.json({ greeting: this.greeting(), user_id: ctx.userId });
    }
    return Response.json({ error: `No route for ${request.method} ${pathname}` }, { status: 404 });
  }

  private greeting(): string {
    const value = this.config.greeting;
    return typeof value === "string" && value !== "" ? value : "Hello";
  }
}

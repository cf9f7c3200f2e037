import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { NotFoundError, ValidationError } from "@plugwire/errors";
import { PluginProcessError, POST_REJECTED_ID } from "@plugwire/host";
import { allow, reject } from "@plugwire/sdk";
import { afterEach, describe, expect, it } from "vitest";
import { makeChannel, makeCommandArgs, makePost, makeTeam, makeUser } from "../builders.js";
import { startPluginProcess, stopAll } from "./plugin-process.js";

const fixturesDir = join(dirname(fileURLToPath(import.meta.url)), "test-fixtures");
const echoDir = join(fixturesDir, "echo-plugin");

const alice = makeUser({ username: "alice" });
const team = makeTeam();
const channel = makeChannel({ teamId: team.id });
const fixtures = { users: [alice], teams: [team], channels: [channel] };

afterEach(stopAll);

/** Whether the operating system still has a process with this id. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("startPluginProcess", () => {
  it("starts the plugin folder as a process and activates it with the saved config", async () => {
    const p = await startPluginProcess(echoDir, { config: { greeting: "Hi" } });
    expect(p.pluginId).toBe("com.plugwire.testing.echo");
    expect(p.pid).toEqual(expect.any(Number));
    expect(p.logs).toContainEqual(
      expect.objectContaining({ msg: "echo activated", fields: { greeting: "Hi" } }),
    );
    expect(p.api.calls.map((call) => call.method)).toEqual(["GetPluginConfig", "RegisterCommand"]);
  });

  it("calls hooks over the socket with typed arguments and results", async () => {
    const p = await startPluginProcess(echoDir);
    expect(await p.hooks.MessageWillBePosted(makePost({ message: "fine" }))).toEqual(allow());
    expect(await p.hooks.MessageWillBePosted(makePost({ message: "nope" }))).toEqual(
      reject("not here"),
    );
    const response = await p.hooks.ExecuteCommand(
      makeCommandArgs({ command: "/echo hello world" }),
    );
    expect(response.text).toBe("hello world");
  });

  it("serves http over the socket", async () => {
    const p = await startPluginProcess(echoDir);
    const response = await p.http("/plugins/com.plugwire.testing.echo/api/x", {
      method: "PUT",
      body: "data",
      userId: "u1",
    });
    expect(await response.json()).toEqual({
      method: "PUT",
      path: "/api/x",
      body: "data",
      userId: "u1",
    });
  });

  it("records the plugin's API calls, errors as the class the plugin received", async () => {
    const p = await startPluginProcess(echoDir, { fixtures });
    p.api.clearCalls();
    const found = await p.hooks.ExecuteCommand(
      { userId: alice.id },
      makeCommandArgs({ command: "/echo whoami" }),
    );
    expect(found.text).toBe("alice");
    await expect(
      p.hooks.ExecuteCommand({ userId: "missing" }, makeCommandArgs({ command: "/echo whoami" })),
    ).rejects.toBeInstanceOf(NotFoundError);
    const calls = p.api.callsTo("GetUser");
    expect(calls.map((call) => call.request.userId)).toEqual([alice.id, "missing"]);
    expect(calls[0]?.response?.user?.username).toBe("alice");
    expect(calls[1]?.error).toBeInstanceOf(NotFoundError);
  });

  it("expires KV keys by the fake clock, whose expiry the host computed", async () => {
    const p = await startPluginProcess(echoDir);
    const run = async (command: string) =>
      (await p.hooks.ExecuteCommand(makeCommandArgs({ command }))).text;
    await run("/echo remember token abc 30");
    p.clock.advance(29_999);
    expect(await run("/echo recall token")).toBe("abc");
    p.clock.advance(1);
    expect(await run("/echo recall token")).toBe("(none)");
  });

  it("runs the plugin's own MessageWillBePosted when it creates a post", async () => {
    const p = await startPluginProcess(echoDir, { fixtures });
    const attempt = p.hooks.ExecuteCommand(
      { userId: alice.id },
      makeCommandArgs({ command: "/echo post nope", channelId: channel.id }),
    );
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    await expect(attempt).rejects.toMatchObject({ params: { reason: "not here" } });
    expect(p.api.callsTo("CreatePost")[0]?.error?.id).toBe(POST_REJECTED_ID);
  });

  it("logs what the process prints besides its log entries", async () => {
    const p = await startPluginProcess(echoDir);
    await p.hooks.ExecuteCommand(makeCommandArgs({ command: "/echo print loose line" }));
    await expect.poll(() => p.logs.map((entry) => entry.msg)).toContain("loose line");
  });

  it("configure() reaches OnConfigurationChange in the process", async () => {
    const p = await startPluginProcess(echoDir);
    await p.configure({ greeting: "Yo" });
    expect(p.logs).toContainEqual(
      expect.objectContaining({ msg: "echo reconfigured", fields: { greeting: "Yo" } }),
    );
  });

  it("stop() deactivates and ends the process; a second stop() does nothing", async () => {
    const p = await startPluginProcess(echoDir);
    const pid = p.pid as number;
    await p.stop();
    expect(p.logs).toContainEqual(expect.objectContaining({ msg: "echo deactivated" }));
    expect(alive(pid)).toBe(false);
    await p.stop();
  });

  it("stopAll() ends whatever is still running", async () => {
    const started = [await startPluginProcess(echoDir), await startPluginProcess(echoDir)];
    const pids = started.map((p) => p.pid as number);
    await stopAll();
    expect(pids.map(alive)).toEqual([false, false]);
  });

  it("stops with `await using`", async () => {
    let pid: number;
    {
      await using p = await startPluginProcess(echoDir);
      pid = p.pid as number;
    }
    expect(alive(pid)).toBe(false);
  });

  it("fails with the host's error, naming the phase and quoting the output", async () => {
    const start = startPluginProcess(join(fixturesDir, "broken-plugin"));
    await expect(start).rejects.toBeInstanceOf(PluginProcessError);
    await expect(start).rejects.toMatchObject({ phase: "handshake" });
    await expect(start).rejects.toThrow("broken on purpose");
  });
});

describe("a test that fails", () => {
  let leftOverPid: number | undefined;

  it.fails("leaves its process to stopAll", async () => {
    leftOverPid = (await startPluginProcess(echoDir)).pid;
    expect("this test").toBe("passing");
  });

  it("finds that process gone", () => {
    expect(leftOverPid).toEqual(expect.any(Number));
    expect(alive(leftOverPid as number)).toBe(false);
  });
});

import { NotFoundError } from "@plugwire/errors";
import { definePlugin, MAX_CHUNK_BYTES } from "@plugwire/sdk";
import { afterEach, describe, expect, it } from "vitest";
import { makeChannel, makeTeam } from "../builders.js";
import { createPluginHarness, type PluginHarness } from "../harness/plugin-harness.js";

const team = makeTeam();
const channel = makeChannel({ teamId: team.id });

let t: PluginHarness;
afterEach(() => t?.close());

describe("recorded API calls", () => {
  it("name the method as the proto does and keep the decoded request and response", async () => {
    t = await createPluginHarness(definePlugin({}), { manifest: { id: "com.example.rec" } });
    await t.plugin.api.kvSet("greeting", new TextEncoder().encode("hi"), { expireInSeconds: 5 });
    await t.plugin.api.kvGet("greeting");
    const [set, get] = t.api.calls;
    expect(set).toMatchObject({
      method: "KVSet",
      pluginId: "com.example.rec",
      request: { key: "greeting", expireInSeconds: 5n },
      response: {},
    });
    expect(get?.method).toBe("KVGet");
    expect(t.api.callsTo("KVGet")[0]?.response?.value).toEqual(new TextEncoder().encode("hi"));
  });

  it("keep the order calls began in, even when they end in another", async () => {
    t = await createPluginHarness(definePlugin({}));
    await Promise.all([t.plugin.api.getServerVersion(), t.plugin.api.kvList()]);
    expect(t.api.calls.map((call) => call.method)).toEqual(["GetServerVersion", "KVList"]);
  });

  it("record an upload's frames and a download's frames in order", async () => {
    t = await createPluginHarness(definePlugin({}), {
      fixtures: { teams: [team], channels: [channel] },
    });
    const data = new Uint8Array(MAX_CHUNK_BYTES + 10).fill(7);
    const info = await t.plugin.api.uploadFile(channel.id, "big.bin", data);
    expect(await t.plugin.api.getFile(info.id)).toEqual(data);

    const [upload] = t.api.callsTo("UploadFile");
    expect(upload?.request.map((frame) => frame.frame.case)).toEqual(["head", "data", "data"]);
    expect(upload?.response?.fileInfo?.id).toBe(info.id);
    const [download] = t.api.callsTo("GetFile");
    expect(download?.request.fileId).toBe(info.id);
    expect(download?.response?.map((frame) => frame.frame.case)).toEqual([
      "fileInfo",
      "data",
      "data",
    ]);
  });

  it("record a failed download with the error class the plugin received", async () => {
    t = await createPluginHarness(definePlugin({}));
    await expect(t.plugin.api.getFile("no-such-file-000000000000")).rejects.toBeInstanceOf(
      NotFoundError,
    );
    const [download] = t.api.callsTo("GetFile");
    expect(download?.error).toBeInstanceOf(NotFoundError);
    expect(download?.response).toBeUndefined();
  });

  it("can be cleared", async () => {
    t = await createPluginHarness(definePlugin({}));
    await t.plugin.api.getServerVersion();
    t.api.clearCalls();
    expect(t.api.calls).toEqual([]);
  });
});

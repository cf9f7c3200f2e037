// A real plugin for the host's plugin-management, proxy and CLI specs: plain JavaScript on the
// built SDK (so build first: `npx nx run-many -t build`), written into any folder, bundled with
// node-tar like a real bundle. It logs every lifecycle hook it receives, which the specs read
// from the host's log, and serves a few HTTP routes that exercise the proxy.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import * as tar from "tar";

const sdkEntry = fileURLToPath(new URL("../../../sdk/dist/index.js", import.meta.url));

export interface RecordingPluginOptions {
  id: string;
  version?: string;
  /** The manifest's settings_schema. */
  settingsSchema?: unknown;
  /** Whether the plugin implements ServeHTTP; default true. */
  serveHttp?: boolean;
}

/** Writes plugin.json and server/plugin.mjs into `dir` (created if missing); returns `dir`. */
export async function writeRecordingPlugin(
  dir: string,
  options: RecordingPluginOptions,
): Promise<string> {
  await mkdir(join(dir, "server"), { recursive: true });
  const manifest = {
    id: options.id,
    name: `Recording plugin ${options.id}`,
    version: options.version ?? "1.0.0",
    server: { executable: "server/plugin.mjs" },
    ...(options.settingsSchema === undefined ? {} : { settings_schema: options.settingsSchema }),
  };
  await writeFile(join(dir, "plugin.json"), JSON.stringify(manifest, null, 2));
  await writeFile(join(dir, "server", "plugin.mjs"), pluginSource(options.serveHttp ?? true));
  return dir;
}

/** A .tar.gz of the folder's contents, as `tar -czf bundle.tar.gz -C dir .` makes it. */
export async function bundleOf(dir: string): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of tar.create({ gzip: true, cwd: dir, portable: true }, ["."])) {
    chunks.push(chunk as Buffer);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

/**
 * Deterministic bytes: byte i is (i * 7 + 3) mod 251, so any lost or moved byte shows. The
 * plugin has its own copy of this function (see pluginSource).
 */
export function patternBytes(offset: number, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = ((offset + i) * 7 + 3) % 251;
  return bytes;
}

function pluginSource(serveHttp: boolean): string {
  return `// Written by recording-plugin.ts.
import { createHash } from "node:crypto";
import { definePlugin, runPlugin } from ${JSON.stringify(pathToFileURL(sdkEntry).href)};

function patternBytes(offset, length) {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = ((offset + i) * 7 + 3) % 251;
  return bytes;
}

runPlugin(
  definePlugin({
    OnActivate() {
      this.logger.info("OnActivate", { config: this.config });
    },
    OnDeactivate() {
      this.logger.info("OnDeactivate");
    },
    OnInstall(ctx, event) {
      this.logger.info("OnInstall", { userId: event.userId, contextUserId: ctx.userId });
    },
    OnConfigurationChange(_ctx, config) {
      this.logger.info("OnConfigurationChange", { config });
    },
    ${serveHttp ? "ServeHTTP(ctx, request) { return serveHTTP(this, ctx, request); }," : ""}
  }),
);

async function serveHTTP(plugin, ctx, request) {
  const url = new URL(request.url);
  switch (url.pathname) {
    case "/whoami":
      return Response.json({
        userId: ctx.userId,
        headers: [...request.headers],
        path: url.pathname + url.search,
      });
    case "/echo":
      return new Response(request.body, {
        headers: { "content-type": "application/octet-stream" },
      });
    case "/digest": {
      const hash = createHash("sha256");
      let length = 0;
      for await (const chunk of request.body ?? []) {
        hash.update(chunk);
        length += chunk.byteLength;
      }
      return Response.json({ length, sha256: hash.digest("hex") });
    }
    case "/pattern": {
      const total = Number(url.searchParams.get("bytes"));
      let sent = 0;
      return new Response(
        new ReadableStream({
          pull(controller) {
            if (sent >= total) return controller.close();
            const length = Math.min(100_000, total - sent);
            controller.enqueue(patternBytes(sent, length));
            sent += length;
          },
          cancel() {
            plugin.logger.info("pattern cancelled", { sent });
          },
        }),
      );
    }
    case "/sized":
      return new Response("hello", { headers: { "content-length": url.searchParams.get("length") ?? "5" } });
    case "/hang":
      // Answers only once the host cancels the request.
      plugin.logger.info("hang started");
      await new Promise((resolve) => request.signal.addEventListener("abort", resolve));
      plugin.logger.info("hang cancelled", { same: request.signal === ctx.signal });
      return new Response("too late");
    case "/crash":
      setTimeout(() => process.exit(1), 20);
      return new Response("crashing");
    default:
      return new Response("no such route", { status: 404 });
  }
}
`;
}

// A throwaway PostgreSQL server, for the PostgreSQL specs (their vitest globalSetup) and the
// benchmarks (through @plugwire/host/internal), never for data that matters: initdb into a
// temporary folder, pg_ctl start listening only on a unix socket in that folder (no port to
// clash with), durability off for speed, and on stop the server and the folder gone.
// PostgreSQL refuses to run as root, so under root the server runs as the `postgres` system
// user (Debian's package creates it).
import { execFile } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { chown, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface ThrowawayPostgres {
  /** A URL of the server's `postgres` database, as superuser `postgres` (trust auth). */
  readonly url: string;
  readonly binDir: string;
  stop(): Promise<void>;
}

/** Starts a new, empty server; throws with what to do when it can't. */
export async function startThrowawayPostgres(): Promise<ThrowawayPostgres> {
  const binDir = findPostgresBinDir();
  const dir = await mkdtemp(join(tmpdir(), "plugwire-pg-"));
  try {
    const asServerUser = await serverUser(dir);
    const data = join(dir, "data");
    const command = (binary: string, args: string[]) => {
      const [file = "", ...rest] = [...asServerUser, join(binDir, binary), ...args];
      return run(file, rest, { cwd: dir });
    };
    await command("initdb", [
      "-D",
      data,
      "-U",
      "postgres",
      "--auth=trust",
      "--no-sync",
      "-E",
      "UTF8",
      "--locale=C",
    ]);
    const serverOptions = [
      "-F", // no fsync: the data is thrown away anyway
      `-k ${dir}`,
      "-c listen_addresses=''",
      "-c max_connections=300",
      "-c synchronous_commit=off",
      "-c full_page_writes=off",
    ].join(" ");
    try {
      await command("pg_ctl", [
        "-D",
        data,
        "-l",
        join(dir, "server.log"),
        "-w",
        "-t",
        "60",
        "-o",
        serverOptions,
        "start",
      ]);
    } catch (error) {
      const log = await readFile(join(dir, "server.log"), "utf8").catch(() => "");
      throw new Error(`pg_ctl start failed: ${(error as Error).message}\n${log}`);
    }
    return {
      url: `postgresql://postgres@localhost/postgres?host=${encodeURIComponent(dir)}`,
      binDir,
      async stop() {
        await command("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]).catch(
          () => undefined,
        );
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * The folder of initdb and pg_ctl: PLUGWIRE_TEST_POSTGRES_BIN, else the newest of Debian's
 * /usr/lib/postgresql/<version>/bin, else the PATH.
 */
function findPostgresBinDir(): string {
  const fromEnv = process.env.PLUGWIRE_TEST_POSTGRES_BIN;
  if (fromEnv) return fromEnv;
  const debian = "/usr/lib/postgresql";
  const versions = existsSync(debian)
    ? readdirSync(debian)
        .filter((version) => existsSync(join(debian, version, "bin", "initdb")))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions[0] !== undefined) return join(debian, versions[0], "bin");
  const onPath = (process.env.PATH ?? "")
    .split(delimiter)
    .find((folder) => folder !== "" && existsSync(join(folder, "initdb")));
  if (onPath !== undefined) return onPath;
  throw new Error(
    "no PostgreSQL server found (no /usr/lib/postgresql/*/bin/initdb, no initdb on the PATH): install it (Debian: apt-get install postgresql), set PLUGWIRE_TEST_POSTGRES_BIN to the folder of initdb and pg_ctl, or set PLUGWIRE_TEST_DATABASE_URL to a database the tests may use",
  );
}

/**
 * The command prefix that runs the server's binaries as a user PostgreSQL accepts: none when
 * this process is not root; under root, setpriv to `postgres`, who is given the folder.
 */
async function serverUser(dir: string): Promise<string[]> {
  if (process.getuid?.() !== 0) return [];
  let uid: number;
  let gid: number;
  try {
    uid = Number((await run("id", ["-u", "postgres"])).stdout.trim());
    gid = Number((await run("id", ["-g", "postgres"])).stdout.trim());
  } catch {
    throw new Error(
      "the tests run as root, which PostgreSQL refuses, and there is no `postgres` user to run it as: create one (Debian's postgresql package does) or run the tests as another user",
    );
  }
  await chown(dir, uid, gid);
  return ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups"];
}

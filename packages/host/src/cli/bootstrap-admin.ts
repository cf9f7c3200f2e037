// The first system admin. A fresh data folder has no users, and every management endpoint needs
// an admin, so on first start the host creates one from the credentials given on the command
// line or in the environment. Later starts change nothing: accounts are managed over the API.
import { create } from "@bufbuild/protobuf";
import { type User, UserSchema } from "@plugwire/protocol";
import type { Host } from "../host.js";
import type { AdminCredentials } from "./serve-options.js";

export type AdminBootstrap =
  | { outcome: "created"; user: User }
  | { outcome: "users-exist" }
  | { outcome: "no-credentials" };

/** Creates a system admin when the store has no users yet and credentials are given. */
export async function bootstrapAdmin(
  host: Host,
  credentials: AdminCredentials | undefined,
): Promise<AdminBootstrap> {
  const anyone = await host.app.getUsers({ page: 0, perPage: 1 });
  if (anyone.length > 0) return { outcome: "users-exist" };
  if (credentials === undefined) return { outcome: "no-credentials" };
  const user = await host.app.createUser(
    {},
    create(UserSchema, {
      username: credentials.username,
      email: credentials.email,
      emailVerified: true,
      roles: "system_admin system_user",
      locale: "en",
    }),
    credentials.password,
  );
  return { outcome: "created", user };
}

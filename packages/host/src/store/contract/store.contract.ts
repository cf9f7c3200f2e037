// The whole Store contract: every role's suite. An implementation passes by running this
// (see ../README.md); each suite opens a new, empty store per test.
import { auditStoreContract } from "./audit-store.contract.js";
import { botStoreContract } from "./bot-store.contract.js";
import { channelStoreContract } from "./channel-store.contract.js";
import { clusterStoreContract } from "./cluster-store.contract.js";
import { commandStoreContract } from "./command-store.contract.js";
import { emojiStoreContract } from "./emoji-store.contract.js";
import { fileInfoStoreContract } from "./file-info-store.contract.js";
import { groupStoreContract } from "./group-store.contract.js";
import { kvStoreContract } from "./kv-store.contract.js";
import { loginAttemptStoreContract } from "./login-attempt-store.contract.js";
import { membershipChangeContract } from "./membership-change.contract.js";
import { oauthAppStoreContract } from "./oauth-app-store.contract.js";
import { peopleContract } from "./people.contract.js";
import { pluginStateStoreContract } from "./plugin-state-store.contract.js";
import { postListStoreContract } from "./post-list-store.contract.js";
import { postStoreContract } from "./post-store.contract.js";
import { preferenceStoreContract } from "./preference-store.contract.js";
import { reactionStoreContract } from "./reaction-store.contract.js";
import { roleStoreContract } from "./role-store.contract.js";
import { sessionStoreContract } from "./session-store.contract.js";
import { sidebarStoreContract } from "./sidebar-store.contract.js";
import { statusStoreContract } from "./status-store.contract.js";
import type { OpenStore } from "./store-test.js";
import { systemStoreContract } from "./system-store.contract.js";
import { teamStoreContract } from "./team-store.contract.js";
import { uploadSessionStoreContract } from "./upload-session-store.contract.js";
import { userAccessTokenStoreContract } from "./user-access-token-store.contract.js";
import { userStoreContract } from "./user-store.contract.js";

export type { OpenStore } from "./store-test.js";

/** Declares every contract suite, each test on a store from `open`. */
export function storeContract(open: OpenStore): void {
  userStoreContract(open);
  sessionStoreContract(open);
  userAccessTokenStoreContract(open);
  loginAttemptStoreContract(open);
  teamStoreContract(open);
  channelStoreContract(open);
  membershipChangeContract(open);
  peopleContract(open);
  sidebarStoreContract(open);
  roleStoreContract(open);
  postStoreContract(open);
  fileInfoStoreContract(open);
  uploadSessionStoreContract(open);
  postListStoreContract(open);
  reactionStoreContract(open);
  preferenceStoreContract(open);
  statusStoreContract(open);
  kvStoreContract(open);
  pluginStateStoreContract(open);
  commandStoreContract(open);
  botStoreContract(open);
  clusterStoreContract(open);
  systemStoreContract(open);
  auditStoreContract(open);
  groupStoreContract(open);
  emojiStoreContract(open);
  oauthAppStoreContract(open);
}

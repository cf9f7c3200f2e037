// Plugins' key-value stores, one namespace per plugin id; expired keys read as absent. Nothing
// surrounds them with hooks or events, so the app hands them to the store as they are.
import type { Store } from "../store/store.js";

export type KVOperations = Pick<Store, "kvGet" | "kvSet" | "kvDelete" | "kvDeleteAll" | "kvList">;

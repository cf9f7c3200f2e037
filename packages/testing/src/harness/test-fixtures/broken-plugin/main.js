// A plugin that dies while loading, before its handshake.
throw new Error("broken on purpose");

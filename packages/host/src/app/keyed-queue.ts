// Work that must not overlap for one key (a plugin id): each run starts once the previous run
// for the same key has finished, whether it succeeded or not.
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const running = previous.then(work, work);
    const settled = running.catch(() => undefined);
    this.tails.set(key, settled);
    try {
      return await running;
    } finally {
      if (this.tails.get(key) === settled) this.tails.delete(key);
    }
  }
}

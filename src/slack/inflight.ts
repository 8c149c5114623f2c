/**
 * Listener work still running after its ack. Bolt answers Slack as soon as ack() is
 * called and lets the listener carry on, so a graceful shutdown has to wait for these
 * promises itself, or a SIGTERM would cut a half-sent reply short.
 */
export class InFlight {
  private readonly pending = new Set<Promise<unknown>>();

  track<T>(work: Promise<T>): Promise<T> {
    this.pending.add(work);
    const forget = () => this.pending.delete(work);
    work.then(forget, forget);
    return work;
  }

  get size(): number {
    return this.pending.size;
  }

  /** Resolves when all tracked work has settled, or after `timeoutMs`, whichever is first. */
  async drain(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    try {
      while (this.pending.size > 0) {
        const settled = Promise.allSettled([...this.pending]).then(() => true as const);
        if ((await Promise.race([settled, timeout])) === false) return false;
      }
      return true;
    } finally {
      clearTimeout(timer);
    }
  }
}

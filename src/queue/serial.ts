/**
 * Lets the event loop run I/O callbacks and timers. Rendering a file resolves its promises as microtasks
 * only, so a loop over files that never yields starves the delivery pass beside it until the loop ends.
 */
export function breathe(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Runs one async job at a time and coalesces requests: `kick()` while a run is under way asks for one
 * more run after it, never a second run beside it. The delivery pass goes through this, so two passes
 * never pick the same due delivery at once.
 */
export class SerialJob {
  private running?: Promise<void>;
  private again = false;
  private closed = false;

  constructor(private readonly job: () => Promise<void>, private readonly onError: (err: unknown) => void) {}

  kick(): void {
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => { this.running = undefined; });
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      try { await this.job(); } catch (err) { this.onError(err); }
    } while (this.again && !this.closed);
  }

  /** No more runs; resolves when the current one (if any) ends. */
  async close(): Promise<void> {
    this.closed = true;
    await this.running;
  }

  get busy(): boolean { return this.running !== undefined; }

  /** Resolves when no run is under way and none is asked for. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }
}

/**
 * The paths waiting to be claimed, in arrival order, each once. A burst of thousands of files costs a
 * string per file here; files are opened one at a time by the intake lane, never all at once.
 */
export class PathQueue {
  private readonly items = new Set<string>();
  private waiter?: () => void;

  push(path: string): void {
    if (this.items.has(path)) return;
    this.items.add(path);
    const wake = this.waiter;
    this.waiter = undefined;
    wake?.();
  }

  /** The oldest path, removed from the queue; undefined when empty. */
  shift(): string | undefined {
    const first = this.items.values().next();
    if (first.done) return undefined;
    this.items.delete(first.value);
    return first.value;
  }

  /** Resolves when a path is pushed (or `wake()` is called). */
  wait(): Promise<void> {
    if (this.items.size) return Promise.resolve();
    return new Promise((resolve) => { this.waiter = resolve; });
  }

  wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  clear(): void { this.items.clear(); }

  get size(): number { return this.items.size; }
}

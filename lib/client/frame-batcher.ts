// Collects items (stream events) and hands them over at most once per animation frame, so a
// 300 tokens/s stream costs one store update and one render per frame, not one per token.
// Hidden tabs get no animation frames; a timer takes over there so they stay current.

export interface FrameScheduler {
  requestFrame(callback: () => void): () => void;
  setTimer(callback: () => void, ms: number): () => void;
}

export const browserScheduler: FrameScheduler = {
  requestFrame(callback) {
    const id = requestAnimationFrame(() => callback());
    return () => cancelAnimationFrame(id);
  },
  setTimer(callback, ms) {
    const id = setTimeout(callback, ms);
    return () => clearTimeout(id);
  },
};

/** Longest wait when frames do not come (background tab). */
const FALLBACK_MS = 100;

export class FrameBatcher<T> {
  private queue: T[] = [];
  private cancels: (() => void)[] = [];

  constructor(
    private readonly onFlush: (items: T[]) => void,
    private readonly scheduler: FrameScheduler = browserScheduler,
  ) {}

  push(item: T): void {
    this.queue.push(item);
    if (this.cancels.length) return;
    const run = () => this.flush();
    this.cancels = [this.scheduler.requestFrame(run), this.scheduler.setTimer(run, FALLBACK_MS)];
  }

  /** Delivers everything queued now (also used before handling something that must see it). */
  flush(): void {
    for (const cancel of this.cancels) cancel();
    this.cancels = [];
    if (this.queue.length === 0) return;
    const items = this.queue;
    this.queue = [];
    this.onFlush(items);
  }
}

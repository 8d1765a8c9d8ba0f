// The recent events of one invocation, bounded in count and bytes, so a subscriber that
// reconnects can resume after the last seq it saw. What falls out of the window is folded
// into two strings (answer text and reasoning) that become a `snapshot` on resume.
import type { InvocationEvent } from "@/lib/realtime/events";

export interface BufferedEvent {
  event: InvocationEvent;
  /** The event serialized once, as sent on every socket. */
  frame: Buffer;
  /** The complete WebSocket frame around `frame` (ws-frame.ts), when built. */
  wire?: Buffer;
}

export interface ReplayLimits {
  maxEvents: number;
  maxBytes: number;
}

/** Compacting the array at most once per this many evictions keeps eviction O(1) amortized. */
const COMPACT_AFTER = 1024;

export class ReplayBuffer {
  private entries: (BufferedEvent | undefined)[] = [];
  private head = 0;
  private heldBytes = 0;
  /** Highest seq no longer held; resuming from below it needs a snapshot. */
  private evictedSeq = 0;
  private evictedContent = "";
  private evictedReasoning = "";

  constructor(private readonly limits: ReplayLimits) {}

  get size(): number {
    return this.entries.length - this.head;
  }

  /** Frames held plus the folded text: what this buffer costs in memory. */
  get bytes(): number {
    return this.heldBytes + this.evictedContent.length + this.evictedReasoning.length;
  }

  get evictedUpToSeq(): number {
    return this.evictedSeq;
  }

  /** Appends the next event; the newest is always kept, even when it alone is over the byte bound. */
  append(entry: BufferedEvent): void {
    this.entries.push(entry);
    this.heldBytes += entry.frame.length;
    while (this.size > 1 && (this.size > this.limits.maxEvents || this.heldBytes > this.limits.maxBytes)) {
      this.evictOldest();
    }
  }

  /** The answer and reasoning as of `evictedUpToSeq`. */
  snapshotText(): { content: string; reasoning: string } {
    return { content: this.evictedContent, reasoning: this.evictedReasoning };
  }

  /** Calls `visit` for each held event with seq > afterSeq, oldest first. */
  forEachAfter(afterSeq: number, visit: (entry: BufferedEvent) => void): void {
    const first = this.entries[this.head];
    if (!first) return;
    // Seqs are contiguous, so the start index is arithmetic.
    const start = this.head + Math.max(0, afterSeq + 1 - first.event.seq);
    for (let i = start; i < this.entries.length; i++) visit(this.entries[i] as BufferedEvent);
  }

  private evictOldest(): void {
    const entry = this.entries[this.head] as BufferedEvent;
    this.entries[this.head] = undefined;
    this.head++;
    this.heldBytes -= entry.frame.length;
    this.evictedSeq = entry.event.seq;
    if (entry.event.type === "token") this.evictedContent += entry.event.text;
    else if (entry.event.type === "thought") this.evictedReasoning += entry.event.text;
    if (this.head >= COMPACT_AFTER && this.head * 2 >= this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }
}

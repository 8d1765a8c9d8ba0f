import { describe, expect, it } from "vitest";
import type { EventPayload, InvocationEvent } from "@/lib/realtime/events";
import { ReplayBuffer, type BufferedEvent } from "@/lib/realtime/replay-buffer";

function entry(seq: number, payload: EventPayload): BufferedEvent {
  const event = { invocationId: "i", conversationId: "c", agentId: "a", messageId: "m", seq, ...payload } as InvocationEvent;
  return { event, frame: Buffer.from(JSON.stringify(event)) };
}

function heldSeqs(buffer: ReplayBuffer, afterSeq = 0): number[] {
  const seqs: number[] = [];
  buffer.forEachAfter(afterSeq, (held) => seqs.push(held.event.seq));
  return seqs;
}

describe("ReplayBuffer", () => {
  it("holds everything within its bounds and replays after a seq", () => {
    const buffer = new ReplayBuffer({ maxEvents: 10, maxBytes: 1_000_000 });
    for (let seq = 1; seq <= 5; seq++) buffer.append(entry(seq, { type: "token", text: `t${seq}` }));
    expect(heldSeqs(buffer)).toEqual([1, 2, 3, 4, 5]);
    expect(heldSeqs(buffer, 3)).toEqual([4, 5]);
    expect(heldSeqs(buffer, 5)).toEqual([]);
    expect(buffer.evictedUpToSeq).toBe(0);
  });

  it("drops the oldest past the event bound and folds their text into the snapshot", () => {
    const buffer = new ReplayBuffer({ maxEvents: 3, maxBytes: 1_000_000 });
    buffer.append(entry(1, { type: "start", userMessageId: "u", provider: "openai", model: "m" }));
    buffer.append(entry(2, { type: "thought", text: "hmm " }));
    buffer.append(entry(3, { type: "token", text: "Hel" }));
    buffer.append(entry(4, { type: "token", text: "lo" }));
    buffer.append(entry(5, { type: "thought", text: "ok" }));
    buffer.append(entry(6, { type: "token", text: "!" }));
    expect(heldSeqs(buffer)).toEqual([4, 5, 6]);
    expect(buffer.evictedUpToSeq).toBe(3);
    expect(buffer.snapshotText()).toEqual({ content: "Hel", reasoning: "hmm " });
  });

  it("drops the oldest past the byte bound but always keeps the newest event", () => {
    const small = entry(1, { type: "token", text: "a" });
    const buffer = new ReplayBuffer({ maxEvents: 100, maxBytes: small.frame.length * 2 });
    buffer.append(small);
    buffer.append(entry(2, { type: "token", text: "b" }));
    expect(heldSeqs(buffer)).toEqual([1, 2]);
    buffer.append(entry(3, { type: "token", text: "c".repeat(10_000) }));
    expect(heldSeqs(buffer)).toEqual([3]);
    expect(buffer.snapshotText().content).toBe("ab");
  });

  it("counts held frames and folded text in bytes", () => {
    const buffer = new ReplayBuffer({ maxEvents: 1, maxBytes: 1_000_000 });
    const first = entry(1, { type: "token", text: "four" });
    const second = entry(2, { type: "token", text: "x" });
    buffer.append(first);
    expect(buffer.bytes).toBe(first.frame.length);
    buffer.append(second);
    expect(buffer.bytes).toBe(second.frame.length + "four".length);
  });

  it("stays correct across many evictions (compaction)", () => {
    const buffer = new ReplayBuffer({ maxEvents: 50, maxBytes: 1_000_000 });
    let text = "";
    for (let seq = 1; seq <= 5_000; seq++) {
      buffer.append(entry(seq, { type: "token", text: String(seq % 10) }));
      text += String(seq % 10);
    }
    expect(heldSeqs(buffer)).toEqual(Array.from({ length: 50 }, (_, i) => 4_951 + i));
    expect(heldSeqs(buffer, 4_990)).toEqual(Array.from({ length: 10 }, (_, i) => 4_991 + i));
    expect(buffer.evictedUpToSeq).toBe(4_950);
    expect(buffer.snapshotText().content).toBe(text.slice(0, 4_950));
  });
});

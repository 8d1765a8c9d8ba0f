import { describe, expect, it } from "vitest";
import {
  applyEvents,
  itemsFromMessages,
  mergeFetched,
  resumePoint,
  runningTurn,
  visibleText,
  type AssistantTurn,
  type ChatItem,
} from "@/lib/client/conversation-state";
import type { InvocationEvent, MessageDto } from "@/lib/client/types";

const conversationId = "c1";
const base = { invocationId: "inv1", conversationId, agentId: "a1", messageId: "m2" };

function row(partial: Partial<MessageDto> & Pick<MessageDto, "id" | "role">): MessageDto {
  return { conversationId, type: "message", content: "", status: "complete", createdAt: "2026-05-01T10:00:00.000Z", ...partial };
}

/** The events of one turn: start, one token per piece, done. */
function turnEvents(pieces: string[], meta = base): InvocationEvent[] {
  const events: InvocationEvent[] = [{ ...meta, seq: 1, type: "start", userMessageId: "m1", provider: "openai", model: "gpt-4o-mini" }];
  for (const text of pieces) events.push({ ...meta, seq: events.length + 1, type: "token", text });
  const message = row({ id: meta.messageId, role: "assistant", content: pieces.join(""), status: "complete", invocationId: meta.invocationId, usage: { inputTokens: 5, outputTokens: pieces.length }, latencyMs: 120 });
  events.push({ ...meta, seq: events.length + 1, type: "done", message });
  return events;
}

const asTurn = (item: ChatItem | undefined) => item as AssistantTurn;

function optimistic(): ChatItem[] {
  return [
    { kind: "user", key: "u-local", content: "Hi", createdAt: "2026-05-01T10:00:00.000Z", pending: true, invocationId: "inv1" },
    { kind: "assistant", key: "t-local", invocationId: "inv1", content: "", reasoning: "", tools: [], status: "pending", createdAt: "2026-05-01T10:00:00.000Z", lastSeq: 0 },
  ];
}

describe("stored rows to chat items", () => {
  it("groups reasoning and tool steps with their answer and links the prompt", () => {
    const items = itemsFromMessages([
      row({ id: "m1", role: "user", content: "Weather?" }),
      row({ id: "t1", role: "assistant", type: "thought", content: "Need a tool.", invocationId: "inv1" }),
      row({ id: "m2", role: "assistant", content: "Sunny.", invocationId: "inv1", model: "gpt-4o-mini" }),
      row({ id: "x1", role: "tool", type: "action", content: "weather", invocationId: "inv1", data: { toolCallId: "call1", name: "weather", args: { city: "Oslo" }, result: "sun" } }),
    ]);
    expect(items).toHaveLength(2);
    expect(items[0]).toMatchObject({ kind: "user", id: "m1", invocationId: "inv1" });
    expect(items[1]).toMatchObject({ kind: "assistant", content: "Sunny.", reasoning: "Need a tool.", status: "complete" });
    expect(asTurn(items[1]).tools).toEqual([{ toolCallId: "call1", name: "weather", args: { city: "Oslo" }, result: "sun", done: true }]);
  });
});

describe("live events", () => {
  it("streams tokens into the optimistic turn and finishes with the stored message", () => {
    const events = turnEvents(["Hel", "lo", "!"]);
    let { items } = applyEvents(optimistic(), events.slice(0, 3));
    expect(visibleText(asTurn(items[1]))).toBe("Hello");
    expect(items[0]).toMatchObject({ key: "u-local", id: "m1", pending: false });
    expect(runningTurn(items)?.key).toBe("t-local");
    ({ items } = applyEvents(items, events.slice(3)));
    expect(items[1]).toMatchObject({ key: "t-local", content: "Hello!", status: "complete", usage: { inputTokens: 5, outputTokens: 3 }, latencyMs: 120 });
    expect(runningTurn(items)).toBeUndefined();
  });

  it("attaches a turn's first events to the waiting turn even when they arrive before `accepted`", () => {
    const waiting = optimistic().map((item) => ({ ...item, invocationId: undefined }));
    const { items, unknownTurn } = applyEvents(waiting, turnEvents(["Hi"]).slice(0, 2));
    expect(unknownTurn).toBe(false);
    expect(items).toHaveLength(2);
    expect(items[0]).toMatchObject({ key: "u-local", id: "m1", invocationId: "inv1" });
    expect(items[1]).toMatchObject({ key: "t-local", invocationId: "inv1", content: "Hi", status: "streaming" });
  });

  it("applies a replay after a reconnect exactly once", () => {
    const events = turnEvents(["a", "b", "c", "d"]);
    const first = applyEvents(optimistic(), events.slice(0, 3)).items;
    const replayed = applyEvents(first, events);
    expect(asTurn(replayed.items[1]).content).toBe("abcd");
    expect(replayed.resync).toEqual([]);
  });

  it("asks to resync from the last applied seq when events are missing", () => {
    const events = turnEvents(["a", "b", "c"]);
    const first = applyEvents(optimistic(), events.slice(0, 2)).items;
    const gap = applyEvents(first, [events[3]]);
    expect(gap.resync).toEqual([{ invocationId: "inv1", afterSeq: 2 }]);
    expect(asTurn(gap.items[1]).content).toBe("a");
  });

  it("after a reload shows the stored partial text until the replay has caught up, then the exact text", () => {
    const stored = itemsFromMessages([
      row({ id: "m1", role: "user", content: "Hi" }),
      row({ id: "m2", role: "assistant", content: "one two", status: "streaming", invocationId: "inv1" }),
    ]);
    expect(visibleText(asTurn(stored[1]))).toBe("one two");
    expect(resumePoint(stored)).toEqual({ afterSeq: 0, invocationId: "inv1" });
    const events = turnEvents(["one", " two", " three"]);
    const partial = applyEvents(stored, events.slice(0, 2)).items;
    expect(visibleText(asTurn(partial[1]))).toBe("one two");
    const caughtUp = applyEvents(partial, events.slice(2, 4)).items;
    expect(visibleText(asTurn(caughtUp[1]))).toBe("one two three");
    expect(resumePoint(caughtUp)).toEqual({ afterSeq: 4, invocationId: "inv1" });
  });

  it("takes a snapshot's text and goes on from its seq", () => {
    const stored = itemsFromMessages([row({ id: "m2", role: "assistant", content: "par", status: "streaming", invocationId: "inv1" })]);
    const { items } = applyEvents(stored, [
      { ...base, seq: 40, type: "snapshot", content: "partial text", reasoning: "hmm", upToSeq: 40 },
      { ...base, seq: 41, type: "token", text: " more" },
    ]);
    expect(asTurn(items[0])).toMatchObject({ content: "partial text more", reasoning: "hmm", lastSeq: 41 });
  });

  it("ignores the replay of a turn that was already finished when its rows were read", () => {
    const stored = itemsFromMessages([row({ id: "m2", role: "assistant", content: "final", invocationId: "inv1" })]);
    const { items } = applyEvents(stored, turnEvents(["x"]));
    expect(items).toBe(stored);
  });

  it("follows a turn started elsewhere from its first event, and resyncs one joined midway", () => {
    const other = { ...base, invocationId: "inv2", messageId: "m9" };
    const fromStart = applyEvents([], turnEvents(["hey"], other).slice(0, 2));
    expect(fromStart.unknownTurn).toBe(true);
    expect(asTurn(fromStart.items[0])).toMatchObject({ invocationId: "inv2", content: "hey", status: "streaming" });
    const midway = applyEvents([], turnEvents(["a", "b"], other).slice(2));
    expect(midway.items).toEqual([]);
    expect(midway.resync).toEqual([{ invocationId: "inv2", afterSeq: 0 }]);
  });

  it("keeps the partial text of a failed turn with its error", () => {
    const events = turnEvents(["Half"]);
    const { items } = applyEvents(optimistic(), [
      ...events.slice(0, 2),
      { ...base, seq: 3, type: "error", code: "provider_unavailable", message: "Ollama is not reachable at http://127.0.0.1:11434", retryable: true },
    ]);
    expect(asTurn(items[1])).toMatchObject({ content: "Half", status: "error", retryable: true, error: { code: "provider_unavailable" } });
  });

  it("collects reasoning and tool steps as they stream", () => {
    const { items } = applyEvents(optimistic(), [
      { ...base, seq: 1, type: "start", userMessageId: "m1", provider: "openai", model: "o3" },
      { ...base, seq: 2, type: "thought", text: "Let me " },
      { ...base, seq: 3, type: "thought", text: "check." },
      { ...base, seq: 4, type: "tool.call", toolCallId: "k1", name: "search", args: { q: "x" } },
      { ...base, seq: 5, type: "tool.result", toolCallId: "k1", result: ["hit"] },
      { ...base, seq: 6, type: "token", text: "Found it." },
    ]);
    expect(asTurn(items[1])).toMatchObject({ reasoning: "Let me check.", content: "Found it." });
    expect(asTurn(items[1]).tools).toEqual([{ toolCallId: "k1", name: "search", args: { q: "x" }, result: ["hit"], done: true }]);
    expect(asTurn(items[1]).reasoningEndedAt).toBeTypeOf("number");
  });
});

describe("merging fetched rows", () => {
  it("keeps live text of a running turn, stored text of finished ones, and optimistic items last", () => {
    const finished = itemsFromMessages([
      row({ id: "m0", role: "user", content: "First", createdAt: "2026-05-01T09:00:00.000Z" }),
      row({ id: "m00", role: "assistant", content: "Done.", invocationId: "inv0", createdAt: "2026-05-01T09:00:00.001Z" }),
    ]);
    const live = applyEvents([...finished, ...optimistic()], turnEvents(["live", " text"]).slice(0, 3)).items;
    const withNewDraft: ChatItem[] = [...live, { kind: "user", key: "u2", content: "Next", createdAt: "2026-05-01T10:05:00.000Z", pending: true }];
    const fetched = itemsFromMessages([
      row({ id: "m0", role: "user", content: "First", createdAt: "2026-05-01T09:00:00.000Z" }),
      row({ id: "m00", role: "assistant", content: "Done.", invocationId: "inv0", createdAt: "2026-05-01T09:00:00.001Z" }),
      row({ id: "m1", role: "user", content: "Hi", createdAt: "2026-05-01T10:00:00.000Z" }),
      row({ id: "m2", role: "assistant", content: "li", status: "streaming", invocationId: "inv1", createdAt: "2026-05-01T10:00:00.001Z" }),
    ]);
    const merged = mergeFetched(withNewDraft, fetched);
    expect(merged.map((item) => item.key)).toEqual(["m0", "inv0", "u-local", "t-local", "u2"]);
    expect(visibleText(asTurn(merged[3]))).toBe("live text");
  });

  it("takes the stored final state when the live stream missed the end", () => {
    const live = applyEvents(optimistic(), turnEvents(["par"]).slice(0, 2)).items;
    const fetched = itemsFromMessages([
      row({ id: "m1", role: "user", content: "Hi" }),
      row({ id: "m2", role: "assistant", content: "partial and the rest", status: "cancelled", invocationId: "inv1" }),
    ]);
    const merged = mergeFetched(live, fetched);
    expect(merged[1]).toMatchObject({ key: "t-local", content: "partial and the rest", status: "cancelled" });
    expect(runningTurn(merged)).toBeUndefined();
  });
});

import { describe, expect, it } from "vitest";
import { MAX_MESSAGE_LENGTH as MAX_INVOKE_MESSAGE_CHARS } from "@/lib/invoke/schema";
import { parseClientMessage, parseTopic } from "@/lib/realtime/protocol";

describe("parseTopic", () => {
  it("accepts the three topic kinds with well-formed ids", () => {
    expect(parseTopic("all")).toEqual({ kind: "all" });
    expect(parseTopic("conversation:cm3x9k2_ab-C")).toEqual({ kind: "conversation", id: "cm3x9k2_ab-C" });
    expect(parseTopic("agent:a1")).toEqual({ kind: "agent", id: "a1" });
  });

  it.each(["", "All", "conversation:", "agent:has space", "agent:a:b", "user:1", "conversation:" + "x".repeat(65)])(
    "rejects %j",
    (topic) => {
      expect(parseTopic(topic)).toBeUndefined();
    },
  );
});

describe("parseClientMessage", () => {
  it("parses each message type", () => {
    expect(parseClientMessage('{"type":"ping"}')).toEqual({ ok: true, message: { type: "ping" } });
    expect(parseClientMessage('{"type":"subscribe","topic":"conversation:c1","afterSeq":4}')).toEqual({
      ok: true,
      message: { type: "subscribe", topic: "conversation:c1", afterSeq: 4 },
    });
    expect(parseClientMessage('{"type":"unsubscribe","topic":"all"}')).toEqual({
      ok: true,
      message: { type: "unsubscribe", topic: "all" },
    });
    expect(parseClientMessage('{"type":"invoke","agentId":"a1","message":"hi","requestId":"r1"}')).toEqual({
      ok: true,
      message: { type: "invoke", agentId: "a1", message: "hi", requestId: "r1" },
    });
    expect(parseClientMessage('{"type":"cancel","invocationId":"i1"}')).toEqual({
      ok: true,
      message: { type: "cancel", invocationId: "i1" },
    });
  });

  it.each([
    ["not json", "{type:", "not valid JSON"],
    ["an array", "[]", "JSON object"],
    ["a string", '"ping"', "JSON object"],
    ["no type", "{}", "Unknown message type null"],
    ["an unknown type", '{"type":"shout"}', 'Unknown message type "shout"'],
    ["an inherited name as type", '{"type":"toString"}', "Unknown message type"],
    ["a bad topic", '{"type":"subscribe","topic":"room:1"}', "topic"],
    ["a negative afterSeq", '{"type":"subscribe","topic":"all","afterSeq":-1}', "afterSeq"],
    ["a fractional afterSeq", '{"type":"subscribe","topic":"all","afterSeq":1.5}', "afterSeq"],
    ["an empty message", '{"type":"invoke","agentId":"a1","message":""}', "message"],
    ["a lone surrogate", '{"type":"invoke","agentId":"a1","message":"\\ud800"}', "message"],
    ["a bad agent id", '{"type":"invoke","agentId":"../x","message":"hi"}', "agentId"],
    ["a missing invocation id", '{"type":"cancel"}', "invocationId"],
  ])("rejects %s with a readable reason", (_name, frame, reason) => {
    const result = parseClientMessage(frame);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toContain(reason);
  });

  it("bounds the invoke message at the HTTP limit", () => {
    const frame = (length: number) => JSON.stringify({ type: "invoke", agentId: "a1", message: "x".repeat(length) });
    expect(parseClientMessage(frame(MAX_INVOKE_MESSAGE_CHARS)).ok).toBe(true);
    expect(parseClientMessage(frame(MAX_INVOKE_MESSAGE_CHARS + 1)).ok).toBe(false);
  });

  it("keeps the requestId of an invalid invoke so the client can match the error", () => {
    expect(parseClientMessage('{"type":"invoke","agentId":"a1","message":"","requestId":"r9"}')).toMatchObject({
      ok: false,
      requestId: "r9",
    });
  });
});

describe("unknown fields", () => {
  it("are rejected, as on the HTTP API", () => {
    for (const frame of [
      { type: "ping", extra: true },
      { type: "subscribe", topic: "all", colour: "red" },
      { type: "cancel", invocationId: "abc", force: true },
      { type: "invoke", agentId: "abc", message: "hi", stream: false },
    ]) {
      expect(parseClientMessage(JSON.stringify(frame)).ok, JSON.stringify(frame)).toBe(false);
    }
  });
});

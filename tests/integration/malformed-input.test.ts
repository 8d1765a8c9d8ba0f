// 1,000 generated malformed HTTP bodies and WebSocket frames: each gets its documented
// error, nothing answers 5xx, the server stays up and the database does not change.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import Database from "better-sqlite3";
import { startServer, type TestServer } from "../helpers/server";
import { getJson } from "../helpers/http";
import { connectSocket } from "../helpers/ws";

let server: TestServer;
let agentId: string;

beforeAll(async () => {
  server = await startServer();
  agentId = (await getJson(`${server.url}/api/agents`)).body[0].id;
});
afterAll(async () => {
  await server?.stop();
});

/** Deterministic pseudo-random numbers, so a failure can be reproduced. */
function random(seed: number) {
  return () => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
}

function snapshot() {
  const db = new Database(server.dbFile, { readonly: true });
  try {
    const count = (table: string) => (db.prepare(`SELECT count(*) AS n FROM "${table}"`).get() as { n: number }).n;
    const agents = db.prepare(`SELECT * FROM Agent ORDER BY id`).all();
    return { agents, conversations: count("Conversation"), messages: count("Message") };
  } finally {
    db.close();
  }
}

const weirdValues = [null, true, 0, -1, 1e309, "", " ", "x".repeat(40_000), "\u0000", "\ud800", [], {}, [1, 2], { a: 1 }, "💥", 3.14];
/** Values no field of a turn request accepts (an emoji is a fine message). */
const invalidValues = weirdValues.filter((value) => value !== "💥");

function badBody(next: () => number): { raw: string; codes: string[] } {
  const pick = <T,>(items: T[]) => items[Math.floor(next() * items.length)];
  switch (Math.floor(next() * 6)) {
    case 0: {
      // Truncated or corrupted JSON.
      const valid = JSON.stringify({ agentId, message: "hello" });
      return { raw: valid.slice(0, Math.floor(next() * (valid.length - 1))), codes: ["invalid_json"] };
    }
    case 1:
      return { raw: JSON.stringify(pick(weirdValues)), codes: ["validation_error", "invalid_json"] };
    case 2:
      return { raw: JSON.stringify({ agentId: pick(invalidValues), message: "hi" }), codes: ["validation_error"] };
    case 3:
      return { raw: JSON.stringify({ agentId, message: pick(invalidValues) }), codes: ["validation_error"] };
    case 4:
      return { raw: JSON.stringify({ agentId, message: "hi", [`extra${Math.floor(next() * 100)}`]: pick(weirdValues) }), codes: ["validation_error"] };
    default:
      return { raw: JSON.stringify({ agentId, message: "hi", conversationId: pick(["bad id", "../../etc", "😀", ""]), stream: pick(weirdValues) }), codes: ["validation_error"] };
  }
}

describe("malformed input", () => {
  it("answers 600 generated bad HTTP bodies with documented 4xx errors and changes nothing", async () => {
    const before = snapshot();
    const next = random(42);
    const targets = ["/api/invoke", "/api/agents", `/api/agents/${agentId}`, "/api/conversations/cunknown0000000000000000"];
    for (let i = 0; i < 600; i++) {
      const { raw, codes } = badBody(next);
      const path = targets[i % targets.length];
      const method = path === "/api/invoke" || path === "/api/agents" ? "POST" : "PATCH";
      const contentType = i % 37 === 0 ? "text/plain" : "application/json";
      const response = await fetch(`${server.url}${path}`, { method, headers: { "content-type": contentType }, body: raw });
      const body = await response.json();
      // Bodies are shaped for /api/invoke; the agent routes reject them as invalid too.
      const expected =
        path.includes("cunknown") ? ["not_found"] // the id is looked up before the body is read
        : contentType === "text/plain" ? ["unsupported_media_type"]
        : path === "/api/invoke" ? codes
        : [...codes, "validation_error"];
      expect(response.status, `${method} ${path} ${raw.slice(0, 80)}`).toBeLessThan(500);
      expect(expected, `${method} ${path} ${raw.slice(0, 80)}`).toContain(body.error.code);
    }
    expect((await getJson(`${server.url}/api/health`)).status).toBe(200);
    expect(snapshot()).toEqual(before);
  });

  it("answers 400 generated bad WebSocket frames with invalid_message and stays open", async () => {
    const before = snapshot();
    const next = random(7);
    const socket = await connectSocket(server.wsUrl);
    await socket.waitFor((m) => m.type === "connected");
    const frames: string[] = [];
    for (let i = 0; i < 400; i++) {
      const pick = <T,>(items: T[]) => items[Math.floor(next() * items.length)];
      frames.push(
        pick([
          () => "{".repeat(1 + Math.floor(next() * 5)),
          () => JSON.stringify(pick(weirdValues)),
          () => JSON.stringify({ type: pick(["", "subscribe!", "SUBSCRIBE", "drop", 5, null]) }),
          () => JSON.stringify({ type: "subscribe", topic: pick(["", "conversation:", "agent:bad id", "nope", 1, "all:x"]) }),
          () => JSON.stringify({ type: "subscribe", topic: "all", afterSeq: pick([-1, 1.5, "3", null]) }),
          () => JSON.stringify({ type: "invoke", agentId, message: pick(["", "   ", 42, null, "x".repeat(40_000).slice(0, 32_001)]) }),
          () => JSON.stringify({ type: "invoke", agentId: pick(["", "bad id", null]), message: "hi" }),
          () => JSON.stringify({ type: "cancel", invocationId: pick(["", null, 1]) }),
          () => JSON.stringify({ type: "ping", extra: true }),
        ])(),
      );
    }
    for (const frame of frames) socket.sendRaw(frame);
    socket.send({ type: "ping" });
    await socket.waitFor((m) => m.type === "pong", 20_000);
    const errors = socket.messages.filter((m) => m.type === "error");
    expect(errors).toHaveLength(frames.length);
    expect(errors.every((m) => m.code === "invalid_message")).toBe(true);
    expect(socket.socket.readyState).toBe(socket.socket.OPEN);
    socket.close();
    expect(snapshot()).toEqual(before);
  });
});

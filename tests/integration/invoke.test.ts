// One turn end to end: the real server.ts, a temporary SQLite file and a fake OpenAI
// server speaking the real wire format.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import Database from "better-sqlite3";
import { startFakeOpenAI, type FakeServer } from "@/tests/fakes";
import { startServer, type TestServer } from "../helpers/server";
import { getJson, sendJson } from "../helpers/http";
import { openInvokeStream, type SseEvent } from "../helpers/sse";
import { connectSocket } from "../helpers/ws";

let fake: FakeServer;
let server: TestServer;
let agentId: string;

const ANSWER = Array.from({ length: 30 }, (_, i) => `tok${i} `).join("");

beforeAll(async () => {
  fake = await startFakeOpenAI({ script: { text: ANSWER, tokenDelayMs: 15 } });
  server = await startServer({ env: { OPENAI_API_KEY: "sk-test-invoke", OPENAI_BASE_URL: fake.baseUrl, SSE_KEEPALIVE_MS: "150" } });
  const agent = await sendJson("POST", `${server.url}/api/agents`, {
    name: "Fake GPT",
    provider: "openai",
    model: "gpt-4o-mini",
    systemPrompt: "You are a test.",
  });
  agentId = agent.body.id;
});
afterAll(async () => {
  await server?.stop();
  await fake?.close();
});

function script(next: Parameters<FakeServer["setScript"]>[0]) {
  fake.setScript(next);
}

async function newConversation(): Promise<string> {
  script({ text: "ready", tokenDelayMs: 0 });
  const first = await sendJson("POST", `${server.url}/api/invoke`, { agentId, message: "start", stream: false });
  expect(first.status).toBe(200);
  return first.body.conversationId;
}

async function conversation(id: string) {
  return (await getJson(`${server.url}/api/conversations/${id}`)).body;
}

const strip = (events: SseEvent[]) => events.map((event) => event.data);

describe("POST /api/invoke", () => {
  it("streams one turn identically to SSE, every topic and a late resuming subscriber, and stores it", async () => {
    const conversationId = await newConversation();
    const topics = [`conversation:${conversationId}`, `agent:${agentId}`, "all"];
    const sockets = await Promise.all(topics.map(() => connectSocket(server.wsUrl)));
    await Promise.all(
      sockets.map(async (socket, index) => {
        socket.send({ type: "subscribe", topic: topics[index] });
        await socket.waitFor((m) => m.type === "subscribed");
      }),
    );

    script({ text: ANSWER, reasoning: "Let me think.", tokenDelayMs: 15 });
    const stream = await openInvokeStream(server.url, { agentId, conversationId, message: "count for me" });
    expect(stream.status).toBe(200);
    await stream.waitFor((event) => event.event === "token" && event.data.seq >= 8);
    const late = await connectSocket(server.wsUrl);
    late.send({ type: "subscribe", topic: `conversation:${conversationId}`, afterSeq: 3 });
    await stream.finished;

    const sse = strip(stream.events);
    const { invocationId } = sse[0];
    expect(sse[0]).toMatchObject({ type: "start", conversationId, agentId, provider: "openai", model: "gpt-4o-mini" });
    expect(sse.map((event) => event.seq)).toEqual(sse.map((_, index) => index + 1));
    expect(sse.at(-1).type).toBe("done");
    expect(stream.events.every((event) => event.id === String(event.data.seq) && event.event === event.data.type)).toBe(true);
    expect(sse.some((event) => event.type === "thought")).toBe(true);

    for (const socket of sockets) {
      await socket.waitFor((m) => m.type === "done" && m.invocationId === invocationId);
      expect(socket.messages.filter((m) => m.invocationId === invocationId)).toEqual(sse);
    }
    await late.waitFor((m) => m.type === "done" && m.invocationId === invocationId);
    expect(late.messages.filter((m) => m.invocationId === invocationId)).toEqual(sse.slice(3));

    const tokens = sse.filter((event) => event.type === "token").map((event) => event.text).join("");
    expect(tokens).toBe(ANSWER);
    const stored = await conversation(conversationId);
    const assistant = stored.messages.find((m: { id: string }) => m.id === sse[0].messageId);
    expect(assistant).toMatchObject({ content: ANSWER, status: "complete", provider: "openai", model: "gpt-4o-mini", invocationId });
    expect(assistant.usage.outputTokens).toBeGreaterThan(0);
    expect(assistant.latencyMs).toBeGreaterThan(0);
    const thought = stored.messages.find((m: { type: string; invocationId?: string }) => m.type === "thought" && m.invocationId === invocationId);
    expect(thought.content).toBe("Let me think.");
    expect(sse.at(-1).message).toEqual(assistant);
    for (const socket of [...sockets, late]) socket.close();
  });

  it("sends keep-alive comments while the model is slow to start", async () => {
    script({ text: "slow start", firstByteDelayMs: 600 });
    const stream = await openInvokeStream(server.url, { agentId, message: "take your time" });
    await stream.finished;
    expect(stream.raw).toContain(": keep-alive\n\n");
    expect(strip(stream.events).at(-1).type).toBe("done");
  });

  it("answers stream:false with the final message", async () => {
    script({ text: "plain answer" });
    const response = await sendJson("POST", `${server.url}/api/invoke`, { agentId, message: "hi", stream: false });
    expect(response.status).toBe(200);
    expect(response.body.message).toMatchObject({ role: "assistant", content: "plain answer", status: "complete" });
    expect(response.body.invocationId).toEqual(expect.any(String));
  });

  it("keeps the turn going when the client disconnects, and stores and publishes it", async () => {
    const conversationId = await newConversation();
    const watcher = await connectSocket(server.wsUrl);
    watcher.send({ type: "subscribe", topic: `conversation:${conversationId}` });
    await watcher.waitFor((m) => m.type === "subscribed");
    script({ text: ANSWER, tokenDelayMs: 20 });
    const stream = await openInvokeStream(server.url, { agentId, conversationId, message: "go on without me" });
    await stream.waitFor((event) => event.event === "token");
    stream.disconnect();
    const done = await watcher.waitFor((m) => m.type === "done", 20_000);
    expect(done.message).toMatchObject({ content: ANSWER, status: "complete" });
    const stored = await conversation(conversationId);
    expect(stored.messages.find((m: { id: string }) => m.id === done.messageId).content).toBe(ANSWER);
    watcher.close();
  });

  it("refuses a second turn on a busy conversation with 409 and writes nothing", async () => {
    const conversationId = await newConversation();
    script({ text: ANSWER, tokenDelayMs: 20 });
    const first = await openInvokeStream(server.url, { agentId, conversationId, message: "long one" });
    await first.waitFor((event) => event.event === "token");
    const before = (await conversation(conversationId)).messages.length;
    const second = await sendJson("POST", `${server.url}/api/invoke`, { agentId, conversationId, message: "me too" });
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe("conversation_busy");
    expect((await conversation(conversationId)).messages.length).toBe(before);
    await first.finished;
  });

  it("cancels over HTTP: partial text kept, done with cancelled", async () => {
    script({ text: ANSWER, tokenDelayMs: 40 });
    const stream = await openInvokeStream(server.url, { agentId, message: "cancel me" });
    const start = await stream.waitFor((event) => event.event === "start");
    await stream.waitFor((event) => event.event === "token" && event.data.seq >= 4);
    const cancel = await sendJson("POST", `${server.url}/api/invocations/${start.data.invocationId}/cancel`);
    expect(cancel.status).toBe(202);
    await stream.finished;
    const done = strip(stream.events).at(-1);
    expect(done.type).toBe("done");
    expect(done.message.status).toBe("cancelled");
    const tokens = strip(stream.events).filter((event) => event.type === "token").map((event) => event.text).join("");
    expect(done.message.content).toBe(tokens);
    expect(tokens.length).toBeGreaterThan(0);
    expect(tokens.length).toBeLessThan(ANSWER.length);
    expect(await fake.waitForClientClose()).toBeTruthy();

    const again = await sendJson("POST", `${server.url}/api/invocations/${start.data.invocationId}/cancel`);
    expect(again.status).toBe(404);
  });

  it("invokes and cancels over the WebSocket", async () => {
    script({ text: ANSWER, tokenDelayMs: 40 });
    const socket = await connectSocket(server.wsUrl);
    socket.send({ type: "invoke", agentId, message: "over the socket", requestId: "r1" });
    const accepted = await socket.waitFor((m) => m.type === "accepted");
    expect(accepted).toMatchObject({ requestId: "r1", invocationId: expect.any(String), conversationId: expect.any(String) });
    await socket.waitFor((m) => m.type === "token" && m.seq >= 3);
    socket.send({ type: "cancel", invocationId: accepted.invocationId });
    const done = await socket.waitFor((m) => m.type === "done");
    expect(done.message.status).toBe("cancelled");
    const events = socket.messages.filter((m) => m.invocationId === accepted.invocationId && "seq" in m);
    expect(events.map((m) => m.seq)).toEqual(events.map((_, index) => index + 1));
    const stored = await conversation(accepted.conversationId);
    expect(stored.messages.map((m: { role: string }) => m.role)).toEqual(["user", "assistant"]);
    expect(stored.messages[1]).toMatchObject({ status: "cancelled", content: done.message.content });
    socket.close();
  });

  it("turns a provider fault mid-stream into an error event and keeps the partial text and the user message", async () => {
    script({ text: ANSWER, fault: "cut", faultAfterTokens: 5, tokenDelayMs: 5 });
    const stream = await openInvokeStream(server.url, { agentId, message: "this will break" });
    await stream.finished;
    const events = strip(stream.events);
    const error = events.at(-1);
    expect(error).toMatchObject({ type: "error", code: "provider_error" });
    expect(error.message).toMatch(/openai/i);
    const partial = events.filter((event) => event.type === "token").map((event) => event.text).join("");
    const stored = await conversation(events[0].conversationId);
    expect(stored.messages[0]).toMatchObject({ role: "user", content: "this will break", status: "complete" });
    expect(stored.messages[1]).toMatchObject({ role: "assistant", status: "error", content: partial, error: { code: "provider_error" } });
    expect(partial.length).toBeGreaterThan(0);
  });

  it("answers stream:false provider failures with the error status and the message id", async () => {
    script({ fault: "unauthorized" });
    const response = await sendJson("POST", `${server.url}/api/invoke`, { agentId, message: "bad key", stream: false });
    expect(response.status).toBe(502);
    expect(response.body.error.code).toBe("provider_auth");
    expect(response.body.error.details.messageId).toEqual(expect.any(String));
    expect(JSON.stringify(response.body)).not.toContain("sk-test-invoke");
  });

  it("runs 50 concurrent turns on 50 conversations with correct content and few database writes", async () => {
    script({ echo: true, tokenDelayMs: 10 });
    const before = (await getJson(`${server.url}/api/metrics`)).body;
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, index) =>
        sendJson("POST", `${server.url}/api/invoke`, { agentId, message: `message number ${index}`, stream: false }),
      ),
    );
    for (const [index, result] of results.entries()) {
      expect(result.status).toBe(200);
      expect(result.body.message.content).toBe(`You said: message number ${index}`);
    }
    const after = (await getJson(`${server.url}/api/metrics`)).body;
    const turns = after.invocations.finished - before.invocations.finished;
    expect(turns).toBe(50);
    // A start and an end write per turn, plus at most one checkpoint per second of streaming.
    const writesPerTurn = (after.turnDbWrites - before.turnDbWrites) / turns;
    expect(writesPerTurn).toBeGreaterThanOrEqual(2);
    expect(writesPerTurn).toBeLessThanOrEqual(4);
  });
});

describe("POST /api/invoke rejections", () => {
  it("answers unknown, deleted or mismatched targets before writing anything", async () => {
    const conversationId = await newConversation();
    const other = await sendJson("POST", `${server.url}/api/agents`, { name: "Other", provider: "openai", model: "gpt-4o-mini" });
    const gone = await sendJson("POST", `${server.url}/api/agents`, { name: "Gone", provider: "openai", model: "gpt-4o-mini" });
    await fetch(`${server.url}/api/agents/${gone.body.id}`, { method: "DELETE" });
    const before = (await getJson(`${server.url}/api/conversations?limit=100`)).body;
    const cases: [unknown, number, string][] = [
      [{ agentId: "cunknownagent000000000000", message: "hi" }, 404, "not_found"],
      [{ agentId: gone.body.id, message: "hi" }, 404, "not_found"],
      [{ agentId, conversationId: "cunknownconv0000000000000", message: "hi" }, 404, "not_found"],
      [{ agentId: other.body.id, conversationId, message: "hi" }, 400, "validation_error"],
      [{ agentId, message: "x".repeat(32_001) }, 400, "validation_error"],
      [{ agentId, message: " \n\t " }, 400, "validation_error"],
      [{ agentId, message: "hi", stream: "yes" }, 400, "validation_error"],
    ];
    for (const [body, status, code] of cases) {
      const response = await sendJson("POST", `${server.url}/api/invoke`, body);
      expect(response.status, JSON.stringify(body).slice(0, 100)).toBe(status);
      expect(response.body.error.code).toBe(code);
    }
    expect((await getJson(`${server.url}/api/conversations?limit=100`)).body).toEqual(before);
    expect((await conversation(conversationId)).messages).toHaveLength(2);
  });

  it("accepts a message of exactly 32,000 characters", async () => {
    script({ text: "long read" });
    const response = await sendJson("POST", `${server.url}/api/invoke`, { agentId, message: "y".repeat(32_000), stream: false });
    expect(response.status).toBe(200);
    const stored = await conversation(response.body.conversationId);
    expect(stored.messages[0].content).toHaveLength(32_000);
  });
});

describe("crash recovery", () => {
  it("marks a message left streaming by kill -9 as interrupted, with everything before it intact", async () => {
    const conversationId = await newConversation();
    script({ text: ANSWER, tokenDelayMs: 100 });
    const stream = await openInvokeStream(server.url, { agentId, conversationId, message: "crash now" });
    await stream.waitFor((event) => event.event === "token" && event.data.seq >= 14, 20_000);
    await server.kill("SIGKILL");

    const db = new Database(server.dbFile, { readonly: true });
    const row = db.prepare(`SELECT status, content FROM Message WHERE conversationId = ? AND role = 'assistant' ORDER BY createdAt DESC LIMIT 1`).get(conversationId) as { status: string; content: string };
    db.close();
    expect(row.status).toBe("streaming");
    // Checkpointed about once a second: some of the text is already on disk.
    expect(row.content.length).toBeGreaterThan(0);

    await server.restart();
    const stored = await conversation(conversationId);
    expect(stored.messages.map((m: { role: string; content: string; status: string }) => [m.role, m.status])).toEqual([
      ["user", "complete"],
      ["assistant", "complete"],
      ["user", "complete"],
      ["assistant", "interrupted"],
    ]);
    expect(stored.messages[0].content).toBe("start");
    expect(stored.messages[1].content).toBe("ready");
    expect(stored.messages[2].content).toBe("crash now");
    expect(ANSWER.startsWith(stored.messages[3].content)).toBe(true);
  });
});

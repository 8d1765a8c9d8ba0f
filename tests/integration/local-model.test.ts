// The embedded model end to end: the real server with LOCAL_MODELS_DIR holding a tiny
// random-weight GGUF written by scripts/make-tiny-gguf.ts, no provider key at all. The
// tiny model never emits an end token, so every answer runs exactly to the agent's
// maxTokens (or until cancelled).
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTinyGguf, writeTinyGguf } from "@/scripts/make-tiny-gguf";
import { getJson, sendJson } from "../helpers/http";
import { startServer, type TestServer } from "../helpers/server";
import { openInvokeStream, type SseEvent } from "../helpers/sse";
import { connectSocket } from "../helpers/ws";

let modelsDir: string;
let server: TestServer;
let seededAgent: { id: string; maxTokens: number };

const strip = (events: SseEvent[]) => events.map((event) => event.data);
const tokensOf = (events: Record<string, any>[]) =>
  events.filter((event) => event.type === "token").map((event) => event.text as string).join("");

async function createAgent(fields: Record<string, unknown>): Promise<string> {
  const response = await sendJson("POST", `${server.url}/api/agents`, { name: "Local test", provider: "local", ...fields });
  expect(response.status).toBe(201);
  return response.body.id;
}

beforeAll(async () => {
  modelsDir = await mkdtemp(path.join(os.tmpdir(), "local-model-it-"));
  await writeTinyGguf(path.join(modelsDir, "tiny-random.gguf"));
  server = await startServer({ env: { LOCAL_MODELS_DIR: modelsDir, LOCAL_THREADS: "1" } });
  const agents = (await getJson(`${server.url}/api/agents`)).body as { id: string; provider: string; model: string; maxTokens: number }[];
  const local = agents.find((agent) => agent.provider === "local" && agent.model === "");
  if (!local) throw new Error("the seeded local agent is missing");
  seededAgent = local;
});
afterAll(async () => {
  await server?.stop();
  await rm(modelsDir, { recursive: true, force: true });
});

describe("the seeded local agent with one model file and no provider configured", () => {
  it("streams a turn over SSE and the WebSocket, stores it with usage", async () => {
    const first = await sendJson("POST", `${server.url}/api/invoke`, { agentId: seededAgent.id, message: "hello", stream: false });
    expect(first.status).toBe(200);
    const conversationId = first.body.conversationId as string;
    const socket = await connectSocket(server.wsUrl);
    socket.send({ type: "subscribe", topic: `conversation:${conversationId}` });
    await socket.waitFor((m) => m.type === "subscribed");

    const stream = await openInvokeStream(server.url, { agentId: seededAgent.id, conversationId, message: "tell me more" });
    expect(stream.status).toBe(200);
    await stream.finished;
    const events = strip(stream.events);
    expect(events[0]).toMatchObject({ type: "start", provider: "local", model: "" });
    expect(events.filter((e) => e.type === "token").length).toBeGreaterThan(10);
    const done = events.at(-1);
    expect(done).toMatchObject({ type: "done", message: { status: "complete", provider: "local" } });
    expect(done.message.content).toBe(tokensOf(events));
    expect(done.message.usage.outputTokens).toBe(seededAgent.maxTokens);
    expect(done.message.usage.inputTokens).toBeGreaterThan(10);

    await socket.waitFor((m) => m.type === "done" && m.invocationId === done.invocationId);
    expect(socket.messages.filter((m) => m.invocationId === done.invocationId)).toEqual(events);
    socket.close();

    const stored = (await getJson(`${server.url}/api/conversations/${conversationId}`)).body;
    expect(stored.messages.map((m: { role: string; status: string }) => [m.role, m.status])).toEqual([
      ["user", "complete"],
      ["assistant", "complete"],
      ["user", "complete"],
      ["assistant", "complete"],
    ]);
    expect(stored.messages[3]).toMatchObject({ content: done.message.content, usage: { outputTokens: seededAgent.maxTokens } });
  });

  it("invokes over the WebSocket like any other agent", async () => {
    const socket = await connectSocket(server.wsUrl);
    socket.send({ type: "invoke", agentId: seededAgent.id, message: "over the socket", requestId: "local-1" });
    const accepted = await socket.waitFor((m) => m.type === "accepted");
    const done = await socket.waitFor((m) => m.type === "done" && m.invocationId === accepted.invocationId, 30_000);
    expect(done.message).toMatchObject({ status: "complete", usage: { outputTokens: seededAgent.maxTokens } });
    expect(done.message.content).toBe(tokensOf(socket.messages.filter((m) => m.invocationId === accepted.invocationId)));
    socket.close();
  });

  it("stops generating at once when the turn is cancelled, keeping the partial text", async () => {
    const agentId = await createAgent({ model: "tiny-random.gguf", maxTokens: 1_000_000 });
    const stream = await openInvokeStream(server.url, { agentId, message: "go on forever" });
    const start = await stream.waitFor((event) => event.event === "start");
    await stream.waitFor((event) => event.event === "token" && event.data.seq >= 6);
    const cancelledAt = performance.now();
    const cancel = await sendJson("POST", `${server.url}/api/invocations/${start.data.invocationId}/cancel`);
    expect(cancel.status).toBe(202);
    await stream.finished;
    expect(performance.now() - cancelledAt).toBeLessThan(2000);
    const events = strip(stream.events);
    const done = events.at(-1);
    expect(done).toMatchObject({ type: "done", message: { status: "cancelled" } });
    expect(done.message.content).toBe(tokensOf(events));
    expect(done.message.content.length).toBeGreaterThan(0);
  });

  it("reports the model file and its size in /api/providers", async () => {
    const providers = (await getJson(`${server.url}/api/providers`)).body as Record<string, any>[];
    const local = providers.find((p) => p.id === "local");
    expect(local).toMatchObject({ configured: true, reachable: true, defaultModel: { id: "tiny-random.gguf", sizeBytes: expect.any(Number) } });
    const models = await getJson(`${server.url}/api/providers/local/models`);
    expect(models.status).toBe(200);
    expect(JSON.stringify(models.body)).toContain("tiny-random.gguf");
  });

  it("refuses a model path outside the models directory when the agent is saved", async () => {
    const response = await sendJson("POST", `${server.url}/api/agents`, { name: "Escape", provider: "local", model: "../../etc/model.gguf" });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe("validation_error");
  });
});

describe("unusable model files", () => {
  let workingAgentId: string;
  beforeAll(async () => {
    await writeFile(path.join(modelsDir, "not-a-model.gguf"), Buffer.from("<html>Access denied</html>"));
    // Loaded as is, this file aborts the Node process inside llama.cpp (a native assertion).
    await writeFile(path.join(modelsDir, "no-heads.gguf"), buildTinyGguf({ omitKeys: ["llama.attention.head_count"] }));
    // These now come first by name, so the default model would be a broken one: name the good one.
    workingAgentId = await createAgent({ model: "tiny-random.gguf", maxTokens: 16 });
  });

  it.each([
    ["not-a-model.gguf", /not-a-model\.gguf cannot be used: it does not start with the GGUF magic bytes/],
    ["no-heads.gguf", /no-heads\.gguf cannot be used: required metadata llama\.attention\.head_count is missing/],
  ])("%s gives a clear error event, is stored as an error, and the server stays up", async (model, message) => {
    const agentId = await createAgent({ model });
    const stream = await openInvokeStream(server.url, { agentId, message: "hi" });
    await stream.finished;
    const events = strip(stream.events);
    const error = events.at(-1);
    expect(error).toMatchObject({ type: "error", code: "provider_not_configured", retryable: false });
    expect(error.message).toMatch(message);
    const stored = (await getJson(`${server.url}/api/conversations/${events[0].conversationId}`)).body;
    expect(stored.messages[1]).toMatchObject({ role: "assistant", status: "error", error: { code: "provider_not_configured" } });

    expect((await getJson(`${server.url}/api/health`)).status).toBe(200);
    const after = await sendJson("POST", `${server.url}/api/invoke`, { agentId: workingAgentId, message: "still there?", stream: false });
    expect(after.status).toBe(200);
    expect(after.body.message.status).toBe("complete");
  });

  it("answers stream:false with 503 and the reason", async () => {
    const agentId = await createAgent({ model: "no-heads.gguf" });
    const response = await sendJson("POST", `${server.url}/api/invoke`, { agentId, message: "hi", stream: false });
    expect(response.status).toBe(503);
    expect(response.body.error).toMatchObject({ code: "provider_not_configured", message: expect.stringContaining("npm run model:pull") });
  });
});

describe("a fresh install without a model file", () => {
  let bare: TestServer;
  beforeAll(async () => {
    bare = await startServer();
  });
  afterAll(async () => {
    await bare?.stop();
  });

  it("says so, with the command to run, in /api/providers and when the local agent is invoked", async () => {
    const providers = (await getJson(`${bare.url}/api/providers`)).body as Record<string, any>[];
    expect(providers.find((p) => p.id === "local")).toMatchObject({
      reachable: false,
      error: expect.stringMatching(/^No local model found in .*models\/: run `npm run model:pull` or place a \.gguf file there\.$/),
    });
    const agents = (await getJson(`${bare.url}/api/agents`)).body as { id: string; provider: string }[];
    const local = agents.find((agent) => agent.provider === "local");
    const response = await sendJson("POST", `${bare.url}/api/invoke`, { agentId: local?.id, message: "hello?", stream: false });
    expect(response.status).toBe(503);
    expect(response.body.error).toMatchObject({ code: "provider_not_configured", message: expect.stringContaining("npm run model:pull") });
  });
});

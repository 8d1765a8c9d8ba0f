// The WebSocket side of the hub against a real http server and real `ws` clients:
// connecting, frame validation, topics, limits, heartbeat and shutdown.
import { afterEach, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { newMeta, range, seqs, startHub, TestClient, type HubHarness } from "./ws-harness";

let harness: HubHarness | undefined;

async function hubFor(options: Parameters<typeof startHub>[0] = {}): Promise<HubHarness> {
  harness = await startHub(options);
  return harness;
}

afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

describe("connecting", () => {
  it("greets each connection with its own connectionId, on /ws and on /", async () => {
    const { connect, url } = await hubFor();
    const first = await connect();
    const second = await connect();
    const [a, b] = [first.messages[0], second.messages[0]];
    expect(a).toEqual({ type: "connected", connectionId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(b.connectionId).not.toBe(a.connectionId);

    const onRoot = await TestClient.open(url.replace(/\/ws$/, "/"));
    expect(onRoot.messages[0].type).toBe("connected");
    onRoot.socket.terminate();
  });

  it("answers ping with pong", async () => {
    const { connect } = await hubFor();
    const client = await connect();
    client.send({ type: "ping" });
    expect(await client.next()).toEqual({ type: "pong" });
  });
});

describe("malformed frames", () => {
  const badFrames: [string, string | Buffer, string][] = [
    ["not JSON", "{nope", "not valid JSON"],
    ["a JSON number", "42", "JSON object"],
    ["an unknown type", JSON.stringify({ type: "launch" }), "Unknown message type"],
    ["a subscribe without topic", JSON.stringify({ type: "subscribe" }), "topic"],
    ["a topic with a bad id", JSON.stringify({ type: "subscribe", topic: "conversation:a b" }), "topic"],
    ["an unknown topic kind", JSON.stringify({ type: "subscribe", topic: "rooms" }), "topic"],
    ["a string afterSeq", JSON.stringify({ type: "subscribe", topic: "all", afterSeq: "3" }), "afterSeq"],
    ["an empty invoke message", JSON.stringify({ type: "invoke", agentId: "a1", message: "" }), "message"],
    [
      "an invoke message over 32,000 characters",
      JSON.stringify({ type: "invoke", agentId: "a1", message: "x".repeat(32_001) }),
      "at most 32000",
    ],
    ["a cancel without id", JSON.stringify({ type: "cancel" }), "invocationId"],
    ["a binary frame", Buffer.from('{"type":"ping"}'), "text frames"],
  ];

  it("answers each with invalid_message and keeps the connection open", async () => {
    const { connect } = await hubFor();
    const client = await connect();
    for (const [name, frame, reason] of badFrames) {
      client.socket.send(frame);
      const reply = await client.next();
      expect(reply, name).toEqual({ type: "error", code: "invalid_message", message: expect.stringContaining(reason) });
    }
    expect(client.socket.readyState).toBe(WebSocket.OPEN);
    await client.sync();
  });

  it("echoes the requestId of an invalid invoke", async () => {
    const { connect } = await hubFor();
    const client = await connect();
    client.send({ type: "invoke", agentId: "a1", message: "", requestId: "req-7" });
    expect(await client.next()).toMatchObject({ type: "error", code: "invalid_message", requestId: "req-7" });
  });

  it("closes the connection with 1009 for a frame over maxPayload", async () => {
    const { connect, hub } = await hubFor({ maxPayload: 1024 });
    const client = await connect();
    client.send({ type: "invoke", agentId: "a1", message: "x".repeat(2_000) });
    expect((await client.closed).code).toBe(1009);
    await expect.poll(() => hub.stats().connections).toBe(0);
  });
});

describe("topics", () => {
  it("delivers every event of an invocation on its conversation, agent and all topics, seq 1..n", async () => {
    const { connect, hub } = await hubFor();
    const meta = newMeta();
    const onConversation = await connect();
    const onAgent = await connect();
    const onAll = await connect();
    const onOtherConversation = await connect();
    await onConversation.subscribe(`conversation:${meta.conversationId}`);
    await onAgent.subscribe(`agent:${meta.agentId}`);
    await onAll.subscribe("all");
    await onOtherConversation.subscribe("conversation:someone-else");

    const channel = hub.openInvocation(meta);
    channel.emit({ type: "start", userMessageId: "u1", provider: "openai", model: "gpt-x" });
    for (const text of ["Hel", "lo", " world"]) channel.emit({ type: "token", text });
    channel.emit({ type: "done", message: doneMessage(meta.messageId, meta.conversationId, "Hello world") });
    channel.end();

    for (const client of [onConversation, onAgent, onAll]) {
      await client.next((message) => message.type === "done");
      const events = client.events();
      expect(seqs(events)).toEqual(range(1, 5));
      expect(events[0]).toEqual({
        type: "start",
        invocationId: meta.invocationId,
        conversationId: meta.conversationId,
        agentId: meta.agentId,
        messageId: meta.messageId,
        seq: 1,
        userMessageId: "u1",
        provider: "openai",
        model: "gpt-x",
      });
    }
    // One serialization: every subscriber got byte-identical frames.
    expect(onAgent.frames.slice(-5)).toEqual(onConversation.frames.slice(-5));
    expect(onAll.frames.slice(-5)).toEqual(onConversation.frames.slice(-5));

    await onOtherConversation.sync();
    expect(onOtherConversation.events()).toEqual([]);
  });

  it("sends an event once to a socket subscribed through several topics", async () => {
    const { connect, hub } = await hubFor();
    const meta = newMeta();
    const client = await connect();
    await client.subscribe("all");
    await client.subscribe(`agent:${meta.agentId}`);
    await client.subscribe(`conversation:${meta.conversationId}`);
    const channel = hub.openInvocation(meta);
    channel.emit({ type: "token", text: "a" });
    channel.emit({ type: "token", text: "b" });
    await client.sync();
    expect(seqs(client.events())).toEqual([1, 2]);
  });

  it("stops delivering after unsubscribe", async () => {
    const { connect, hub } = await hubFor();
    const meta = newMeta();
    const client = await connect();
    const topic = `conversation:${meta.conversationId}`;
    await client.subscribe(topic);
    const channel = hub.openInvocation(meta);
    channel.emit({ type: "token", text: "seen" });
    client.send({ type: "unsubscribe", topic });
    expect(await client.next((message) => message.type === "unsubscribed")).toEqual({ type: "unsubscribed", topic });
    channel.emit({ type: "token", text: "not seen" });
    await client.sync();
    expect(client.events().map((event) => event.type === "token" && event.text)).toEqual(["seen"]);
    expect(hub.stats().subscriptions).toBe(0);
  });

  it("limits subscriptions per socket with a clear error, and frees a slot on unsubscribe", async () => {
    const { connect, hub } = await hubFor({ maxSubscriptionsPerSocket: 3 });
    const client = await connect();
    await client.subscribe("all");
    await client.subscribe("agent:a1");
    await client.subscribe("conversation:c1");
    client.send({ type: "subscribe", topic: "conversation:c2" });
    expect(await client.next()).toEqual({
      type: "error",
      code: "subscription_limit",
      message: expect.stringContaining("at most 3 subscriptions"),
    });
    await client.subscribe("all");
    client.send({ type: "unsubscribe", topic: "agent:a1" });
    await client.subscribe("conversation:c2");
    expect(hub.stats().subscriptions).toBe(3);
    expect(client.socket.readyState).toBe(WebSocket.OPEN);
  });
});

describe("heartbeat and shutdown", () => {
  it("terminates a peer that stops answering pings and keeps one that answers", async () => {
    const { connect, hub } = await hubFor({ heartbeatMs: 40 });
    const silent = await connect({ autoPong: false });
    const healthy = await connect();
    const { code } = await silent.closed;
    expect(code).toBe(1006);
    expect(healthy.socket.readyState).toBe(WebSocket.OPEN);
    await healthy.sync();
    expect(hub.stats().connections).toBe(1);
  });

  it("close() closes every socket with 1001 and refuses new upgrades", async () => {
    const { connect, hub, url } = await hubFor();
    const clients = [await connect(), await connect()];
    await clients[0].subscribe("all");
    await hub.close();
    for (const client of clients) expect((await client.closed).code).toBe(1001);
    expect(hub.stats()).toMatchObject({ connections: 0, subscriptions: 0 });

    const late = new WebSocket(url);
    const status = await new Promise<number | undefined>((resolve) => {
      late.on("unexpected-response", (request, response) => {
        resolve(response.statusCode);
        request.destroy();
      });
      late.on("error", () => resolve(undefined));
    });
    expect(status).toBe(503);
  });
});

function doneMessage(id: string, conversationId: string, content: string) {
  return {
    id,
    conversationId,
    role: "assistant" as const,
    type: "message" as const,
    content,
    status: "complete" as const,
    createdAt: new Date(0).toISOString(),
  };
}

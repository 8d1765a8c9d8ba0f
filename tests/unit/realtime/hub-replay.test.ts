// Resuming and following invocations: afterSeq replay, snapshots when the buffer has moved
// on, retention after the end, the SSE-style follow(), and WebSocket invoke/cancel.
import { afterEach, describe, expect, it, vi } from "vitest";
import type { InvocationEvent } from "@/lib/realtime/events";
import { RealtimeHub, type HubCommands, type InvocationChannel } from "@/lib/realtime/hub";
import { newMeta, range, seqs, startHub, tokenText, type HubHarness } from "./ws-harness";

let harness: HubHarness | undefined;

async function hubFor(options: Parameters<typeof startHub>[0] = {}): Promise<HubHarness> {
  harness = await startHub(options);
  return harness;
}

afterEach(async () => {
  vi.useRealTimers();
  await harness?.stop();
  harness = undefined;
});

function emitTokens(channel: InvocationChannel, texts: string[]): void {
  for (const text of texts) channel.emit({ type: "token", text });
}

const words = (count: number, prefix = "w") => Array.from({ length: count }, (_, i) => `${prefix}${i + 1} `);

describe("resume with afterSeq", () => {
  it("replays exactly the missed events of the running invocation, then follows live", async () => {
    const { connect, hub } = await hubFor();
    const meta = newMeta();
    const channel = hub.openInvocation(meta);
    channel.emit({ type: "start", userMessageId: "u", provider: "ollama", model: "llama3" });
    emitTokens(channel, ["a", "b", "c", "d"]);

    const client = await connect();
    await client.subscribe(`conversation:${meta.conversationId}`, { afterSeq: 2 });
    await client.sync();
    expect(seqs(client.events())).toEqual([3, 4, 5]);

    emitTokens(channel, ["e"]);
    await client.sync();
    expect(seqs(client.events())).toEqual([3, 4, 5, 6]);
    expect(tokenText(client.events())).toBe("bcde");
  });

  it("replays nothing when afterSeq is current, and only live events without afterSeq", async () => {
    const { connect, hub } = await hubFor();
    const meta = newMeta();
    const channel = hub.openInvocation(meta);
    emitTokens(channel, ["a", "b"]);
    const upToDate = await connect();
    const liveOnly = await connect();
    await upToDate.subscribe(`conversation:${meta.conversationId}`, { afterSeq: 2 });
    await liveOnly.subscribe(`conversation:${meta.conversationId}`);
    emitTokens(channel, ["c"]);
    for (const client of [upToDate, liveOnly]) {
      await client.sync();
      expect(seqs(client.events())).toEqual([3]);
    }
  });

  it("does not repeat what the socket already received through another topic", async () => {
    const { connect, hub } = await hubFor();
    const meta = newMeta();
    const client = await connect();
    await client.subscribe("all");
    const channel = hub.openInvocation(meta);
    emitTokens(channel, ["a", "b", "c"]);
    await client.subscribe(`conversation:${meta.conversationId}`, { afterSeq: 0 });
    emitTokens(channel, ["d"]);
    await client.sync();
    expect(seqs(client.events())).toEqual([1, 2, 3, 4]);
  });

  it("replays a newer invocation from its start when the client names the one it knew", async () => {
    const { connect, hub } = await hubFor();
    const first = newMeta();
    const second = newMeta({ conversationId: first.conversationId, agentId: first.agentId });
    const old = hub.openInvocation(first);
    emitTokens(old, words(5));
    old.end();
    const current = hub.openInvocation(second);
    emitTokens(current, ["x", "y"]);

    const client = await connect();
    await client.subscribe(`conversation:${first.conversationId}`, { afterSeq: 5, invocationId: first.invocationId });
    await client.sync();
    expect(client.events().map((event) => [event.invocationId, event.seq])).toEqual([
      [second.invocationId, 1],
      [second.invocationId, 2],
    ]);
  });

  it("starts with a snapshot when the buffer no longer holds the missed events, then the rest", async () => {
    const { connect, hub } = await hubFor({ replayMaxEvents: 5 });
    const meta = newMeta();
    const channel = hub.openInvocation(meta);
    channel.emit({ type: "start", userMessageId: "u", provider: "openai", model: "gpt" });
    channel.emit({ type: "thought", text: "Let me think. " });
    const texts = words(20);
    emitTokens(channel, texts);
    channel.emit({ type: "thought", text: "Done thinking." });
    // 23 events, the last 5 kept: 1..18 are gone.

    const client = await connect();
    await client.subscribe(`conversation:${meta.conversationId}`, { afterSeq: 3 });
    await client.sync();
    const [snapshot, ...rest] = client.events();
    expect(snapshot).toEqual({
      type: "snapshot",
      invocationId: meta.invocationId,
      conversationId: meta.conversationId,
      agentId: meta.agentId,
      messageId: meta.messageId,
      seq: 18,
      upToSeq: 18,
      content: texts.slice(0, 16).join(""),
      reasoning: "Let me think. ",
    });
    expect(seqs(rest)).toEqual(range(19, 23));

    emitTokens(channel, ["tail"]);
    await client.sync();
    const after = client.events().slice(1);
    expect(seqs(after)).toEqual(range(19, 24));
    expect(snapshot.type === "snapshot" && snapshot.content + tokenText(after)).toBe(texts.join("") + "tail");
  });

  it("bounds the buffer in bytes as well as events", async () => {
    const { connect, hub } = await hubFor({ replayMaxEvents: 10_000, replayMaxBytes: 4_096 });
    const meta = newMeta();
    const channel = hub.openInvocation(meta);
    const texts = words(400, "token");
    emitTokens(channel, texts);
    expect(hub.stats().bufferedBytes).toBeLessThan(4_096 + texts.join("").length);

    const client = await connect();
    await client.subscribe(`conversation:${meta.conversationId}`, { afterSeq: 0 });
    await client.sync();
    const [snapshot, ...rest] = client.events();
    expect(snapshot.type).toBe("snapshot");
    expect(rest.length).toBeGreaterThan(5);
    expect(rest.length).toBeLessThan(100);
    expect(seqs(rest)).toEqual(range(400 - rest.length + 1, 400));
    expect(snapshot.type === "snapshot" && snapshot.content + tokenText(rest)).toBe(texts.join(""));
  });
});

describe("after the end", () => {
  it("keeps a finished invocation resumable for the retention time, then drops it", async () => {
    const { connect, hub } = await hubFor({ replayRetentionMs: 150 });
    const meta = newMeta();
    const channel = hub.openInvocation(meta);
    emitTokens(channel, ["a", "b"]);
    channel.emit({ type: "error", code: "provider_unavailable", message: "gone", retryable: true });
    channel.end();
    expect(hub.activeInvocation(meta.conversationId)).toBeUndefined();
    expect(() => channel.emit({ type: "token", text: "late" })).toThrow(/has ended/);

    const soon = await connect();
    await soon.subscribe(`conversation:${meta.conversationId}`, { afterSeq: 1 });
    await soon.sync();
    expect(soon.events().map((event) => event.type)).toEqual(["token", "error"]);

    await expect.poll(() => hub.stats().bufferedInvocations, { timeout: 2_000 }).toBe(0);
    expect(hub.stats().bufferedBytes).toBe(0);
    const late = await connect();
    await late.subscribe(`conversation:${meta.conversationId}`, { afterSeq: 0 });
    await late.sync();
    expect(late.events()).toEqual([]);
  });

  it("drops buffers 60 s after the end by default", () => {
    vi.useFakeTimers();
    const hub = new RealtimeHub();
    const meta = newMeta();
    const channel = hub.openInvocation(meta);
    emitTokens(channel, ["a"]);
    channel.end();
    vi.advanceTimersByTime(59_000);
    expect(hub.stats().bufferedInvocations).toBe(1);
    vi.advanceTimersByTime(1_000);
    expect(hub.stats()).toMatchObject({ bufferedInvocations: 0, bufferedBytes: 0 });
    const seen: number[] = [];
    hub.follow(meta.invocationId, 0, (event) => seen.push(event.seq));
    expect(seen).toEqual([]);
    return hub.close();
  });

  it("lets finished buffers go first when all buffers together pass their bound", () => {
    const hub = new RealtimeHub({ replayTotalMaxBytes: 20_000 });
    const finished = newMeta();
    const done = hub.openInvocation(finished);
    emitTokens(done, words(50, "x".repeat(100)));
    done.end();
    const running = hub.openInvocation(newMeta());
    emitTokens(running, words(50, "y".repeat(100)));
    expect(hub.stats().bufferedInvocations).toBe(1);
    expect(hub.activeInvocation(running.meta.conversationId)).toEqual(running.meta);
    expect(hub.stats().bufferedBytes).toBeGreaterThan(5_000);
    return hub.close();
  });
});

describe("follow (the SSE route's view)", () => {
  it("calls back synchronously with buffered events, then live ones, until unsubscribed", () => {
    const hub = new RealtimeHub();
    const meta = newMeta();
    const channel = hub.openInvocation(meta);
    emitTokens(channel, ["a", "b", "c"]);
    const seen: [number, string][] = [];
    const stop = hub.follow(meta.invocationId, 1, (event, json) => seen.push([event.seq, json]));
    expect(seen.map(([seq]) => seq)).toEqual([2, 3]);
    const live = channel.emit({ type: "token", text: "d" });
    expect(seen.at(-1)).toEqual([4, JSON.stringify(live)]);
    expect(JSON.parse(seen[0][1])).toMatchObject({ type: "token", text: "b", seq: 2 });
    stop();
    emitTokens(channel, ["e"]);
    expect(seen).toHaveLength(3);
    return hub.close();
  });

  it("gives a snapshot first when it starts behind the buffer, and survives a throwing listener", () => {
    const hub = new RealtimeHub({ replayMaxEvents: 2 });
    const meta = newMeta();
    const channel = hub.openInvocation(meta);
    emitTokens(channel, ["a", "b", "c", "d"]);
    const seen: InvocationEvent[] = [];
    hub.follow(meta.invocationId, 0, (event) => seen.push(event));
    hub.follow(meta.invocationId, 4, () => {
      throw new Error("listener bug");
    });
    expect(seen.map((event) => event.type)).toEqual(["snapshot", "token", "token"]);
    expect(seen[0]).toMatchObject({ content: "ab", upToSeq: 2 });
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    expect(channel.emit({ type: "token", text: "e" }).seq).toBe(5);
    expect(logged).toHaveBeenCalledOnce();
    logged.mockRestore();
    expect(seen.at(-1)?.seq).toBe(5);
    return hub.close();
  });

  it("reports the running invocation of a conversation", () => {
    const hub = new RealtimeHub();
    const meta = newMeta();
    expect(hub.activeInvocation(meta.conversationId)).toBeUndefined();
    const channel = hub.openInvocation(meta);
    expect(hub.activeInvocation(meta.conversationId)).toEqual(meta);
    expect(() => hub.openInvocation(meta)).toThrow(/already open/);
    channel.end();
    expect(hub.activeInvocation(meta.conversationId)).toBeUndefined();
    return hub.close();
  });
});

describe("WebSocket invoke and cancel", () => {
  /** A stand-in for the invocation service: opens the invocation and emits before it answers. */
  function fakeCommands(hub: RealtimeHub) {
    const running = new Map<string, InvocationChannel>();
    const commands: HubCommands = {
      async invoke({ agentId, message, conversationId }) {
        if (agentId === "missing") throw Object.assign(new Error("Agent missing not found"), { code: "not_found" });
        if (agentId === "buggy") throw Object.assign(new Error("SQLITE_BUSY: database is locked"), { code: "SQLITE_BUSY" });
        const meta = newMeta({ agentId, ...(conversationId ? { conversationId } : {}) });
        const channel = hub.openInvocation(meta);
        running.set(meta.invocationId, channel);
        channel.emit({ type: "start", userMessageId: "u", provider: "openai", model: "gpt" });
        channel.emit({ type: "token", text: `echo: ${message}` });
        return { invocationId: meta.invocationId, conversationId: meta.conversationId };
      },
      cancel(invocationId) {
        const channel = running.get(invocationId);
        if (!channel) return false;
        running.delete(invocationId);
        channel.end();
        return true;
      },
    };
    return { commands, running };
  }

  it("accepts, subscribes the socket and delivers every event once, including those emitted before acceptance", async () => {
    const { connect, hub } = await hubFor();
    const { commands, running } = fakeCommands(hub);
    hub.setCommands(commands);
    const client = await connect();
    client.send({ type: "invoke", agentId: "a1", message: "hi", requestId: "r1" });
    const accepted = await client.next((message) => message.type === "accepted");
    expect(accepted).toEqual({
      type: "accepted",
      requestId: "r1",
      invocationId: expect.any(String),
      conversationId: expect.any(String),
    });
    expect(await client.next()).toEqual({ type: "subscribed", topic: `conversation:${accepted.conversationId}` });

    const channel = running.get(accepted.invocationId) as InvocationChannel;
    channel.emit({ type: "token", text: "!" });
    await client.sync();
    expect(seqs(client.events())).toEqual([1, 2, 3]);
    expect(tokenText(client.events())).toBe("echo: hi!");
  });

  it("does not duplicate events for a socket already watching the conversation", async () => {
    const { connect, hub } = await hubFor();
    const { commands } = fakeCommands(hub);
    hub.setCommands(commands);
    const client = await connect();
    await client.subscribe("conversation:existing");
    client.send({ type: "invoke", agentId: "a1", message: "again", conversationId: "existing" });
    await client.next((message) => message.type === "accepted");
    await client.sync();
    expect(seqs(client.events())).toEqual([1, 2]);
    expect(client.messages.filter((message) => message.type === "subscribed")).toHaveLength(1);
  });

  it("answers a refused invoke with the service's code and message and the requestId", async () => {
    const { connect, hub } = await hubFor();
    hub.setCommands(fakeCommands(hub).commands);
    const client = await connect();
    client.send({ type: "invoke", agentId: "missing", message: "hi", requestId: "r2" });
    expect(await client.next()).toEqual({
      type: "error",
      code: "not_found",
      message: "Agent missing not found",
      requestId: "r2",
    });
  });

  it("answers an unexpected failure generically, without internal details", async () => {
    const { connect, hub } = await hubFor();
    hub.setCommands(fakeCommands(hub).commands);
    const client = await connect();
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    client.send({ type: "invoke", agentId: "buggy", message: "hi" });
    const reply = await client.next();
    logged.mockRestore();
    expect(reply).toMatchObject({ type: "error", code: "internal" });
    expect(reply.message).not.toContain("SQLITE");
  });

  it("refuses an invoke whose events the socket could not subscribe to", async () => {
    const { connect, hub } = await hubFor({ maxSubscriptionsPerSocket: 1 });
    const { commands, running } = fakeCommands(hub);
    hub.setCommands(commands);
    const client = await connect();
    await client.subscribe("all");
    client.send({ type: "invoke", agentId: "a1", message: "hi", requestId: "r3" });
    expect(await client.next()).toMatchObject({ type: "error", code: "subscription_limit", requestId: "r3" });
    expect(running.size).toBe(0);
  });

  it("cancels a running invocation and reports not_found otherwise", async () => {
    const { connect, hub } = await hubFor();
    hub.setCommands(fakeCommands(hub).commands);
    const client = await connect();
    client.send({ type: "invoke", agentId: "a1", message: "long story" });
    const { invocationId } = await client.next((message) => message.type === "accepted");
    client.send({ type: "cancel", invocationId });
    expect(await client.next((message) => message.type === "cancelled" || message.type === "error")).toEqual({
      type: "cancelled",
      invocationId,
    });
    client.send({ type: "cancel", invocationId });
    expect(await client.next((message) => message.type === "error")).toEqual({
      type: "error",
      code: "not_found",
      message: `No running invocation ${invocationId}.`,
    });
  });
});

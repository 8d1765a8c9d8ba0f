// The slow-consumer policy: a socket that stops reading is closed with 1013 once its unsent
// backlog passes the limit; what it did receive has no gaps, the others are unaffected, and
// it resumes with afterSeq where it stopped.
import { setImmediate as nextTurn } from "node:timers/promises";
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { WebSocket } from "ws";
import { newMeta, range, seqs, startHub, tokenText, type HubHarness } from "./ws-harness";

let harness: HubHarness | undefined;
let warnings: ReturnType<typeof vi.spyOn>;

beforeEach(() => {
  warnings = vi.spyOn(console, "error").mockImplementation(() => {});
});

afterEach(async () => {
  warnings.mockRestore();
  await harness?.stop();
  harness = undefined;
});

it("closes a consumer that stops reading with 1013, leaves the others alone, and lets it resume without gaps", async () => {
  harness = await startHub({ slowConsumerBytes: 64 * 1024 });
  const { connect, hub } = harness;
  const meta = newMeta();
  const topic = `conversation:${meta.conversationId}`;
  const stalled = await connect();
  const reader = await connect();
  await stalled.subscribe(topic);
  await reader.subscribe("all");
  stalled.socket.pause();

  const channel = hub.openInvocation(meta);
  const texts: string[] = [];
  // Large tokens fill the kernel's socket buffers quickly; yielding between them lets the
  // reading client keep up, as it would with a real model's pace.
  for (let i = 0; i < 4_000 && hub.stats().subscriptions === 2; i++) {
    const text = `${i} `.padEnd(8 * 1024, ".");
    texts.push(text);
    channel.emit({ type: "token", text });
    await nextTurn();
  }
  expect(hub.stats().subscriptions).toBe(1);
  for (let i = 0; i < 10; i++) {
    texts.push(`after ${i} `);
    channel.emit({ type: "token", text: `after ${i} ` });
  }
  const total = texts.length;

  stalled.socket.resume();
  expect(await stalled.closed).toEqual({ code: 1013, reason: "slow consumer: reconnect and resume with afterSeq" });
  const received = stalled.events();
  expect(received.length).toBeGreaterThan(0);
  expect(received.length).toBeLessThan(total);
  expect(seqs(received)).toEqual(range(1, received.length));
  expect(warnings).toHaveBeenCalledWith(expect.stringContaining("closing as a slow consumer"));

  await reader.sync();
  expect(seqs(reader.events())).toEqual(range(1, total));
  expect(reader.socket.readyState).toBe(WebSocket.OPEN);

  const resumed = await connect();
  await resumed.subscribe(topic, { afterSeq: received.length });
  await resumed.sync();
  const caughtUp = resumed.events();
  const snapshot = caughtUp[0].type === "snapshot" ? caughtUp.shift() : undefined;
  const alreadyHad = snapshot?.type === "snapshot" ? snapshot.content : tokenText(received);
  expect(seqs(caughtUp)).toEqual(range(total - caughtUp.length + 1, total));
  expect(alreadyHad + tokenText(caughtUp)).toBe(texts.join(""));
});

it("does not close a client that resumes from far behind while it reads its replay", async () => {
  harness = await startHub({
    slowConsumerBytes: 16 * 1024,
    replayMaxBytes: 8 * 1024 * 1024,
    replayGraceBytes: 16 * 1024 * 1024,
  });
  const { connect, hub } = harness;
  const meta = newMeta();
  const channel = hub.openInvocation(meta);
  for (let i = 0; i < 2_000; i++) channel.emit({ type: "token", text: "x".repeat(2_000) });

  const client = await connect();
  // Not reading while the 4 MB replay is queued: it backs up far past the limit on the server.
  client.send({ type: "subscribe", topic: `conversation:${meta.conversationId}`, afterSeq: 0 });
  client.socket.pause();
  await expect.poll(() => hub.stats().subscriptions).toBe(1);
  for (let i = 0; i < 20; i++) channel.emit({ type: "token", text: "y" });
  client.socket.resume();
  await client.sync();
  expect(client.socket.readyState).toBe(WebSocket.OPEN);
  expect(seqs(client.events())).toEqual(range(1, 2_020));
});

it("closes a client that keeps asking for replays without reading, so its backlog stays bounded", async () => {
  harness = await startHub({ slowConsumerBytes: 16 * 1024, replayGraceBytes: 1024 * 1024 });
  const { connect, hub } = harness;
  const meta = newMeta();
  const channel = hub.openInvocation(meta);
  for (let i = 0; i < 200; i++) channel.emit({ type: "token", text: "x".repeat(1_000) });

  const client = await connect();
  client.socket.pause();
  const replays = 40;
  for (let i = 0; i < replays; i++) {
    client.send({ type: "subscribe", topic: `conversation:${meta.conversationId}`, afterSeq: 0 });
  }
  await expect.poll(() => hub.stats().subscriptions).toBe(0);
  client.socket.resume();
  expect((await client.closed).code).toBe(1013);
  const replayed = client.events().length;
  expect(replayed).toBeGreaterThan(0);
  expect(replayed).toBeLessThan(replays * 200);
});

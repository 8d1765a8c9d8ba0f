// Pre-built frames (lib/realtime/ws-frame.ts) must read back exactly like ws's own sends, at
// every length encoding, and stay in order with them on the same connection.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket, WebSocketServer } from "ws";
import { rawSocketOf, textFrame } from "@/lib/realtime/ws-frame";

let server: http.Server;
let wss: WebSocketServer;
let serverSide: WebSocket;
let client: WebSocket;
const received: string[] = [];

beforeAll(async () => {
  server = http.createServer();
  wss = new WebSocketServer({ server, perMessageDeflate: false });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const accepted = new Promise<WebSocket>((resolve) => wss.once("connection", resolve));
  client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
  client.on("message", (data, isBinary) => received.push(isBinary ? "<binary>" : data.toString()));
  serverSide = await accepted;
  await new Promise((resolve) => client.once("open", resolve));
});

afterAll(async () => {
  client.terminate();
  wss.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function receiveCount(count: number) {
  const deadline = Date.now() + 5000;
  while (received.length < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
  return received.splice(0, received.length);
}

describe("textFrame", () => {
  it("frames every payload length (7-bit, 16-bit and 64-bit) and multi-byte text as ws reads them", async () => {
    const texts = ["", "x".repeat(125), "y".repeat(126), "z".repeat(65_535), "w".repeat(65_536), '{"text":"héllo ✓ 🚀"}'];
    const raw = rawSocketOf(serverSide)!;
    expect(raw).toBeDefined();
    for (const text of texts) raw.write(textFrame(text).wire);
    expect(await receiveCount(texts.length)).toEqual(texts);
  });

  it("keeps the payload as a view of the frame, and keeps order with ws's own sends", async () => {
    const framed = textFrame('{"seq":1}');
    expect(framed.payload.toString()).toBe('{"seq":1}');
    expect(framed.payload.buffer).toBe(framed.wire.buffer);
    const raw = rawSocketOf(serverSide)!;
    serverSide.send("first");
    raw.write(framed.wire);
    serverSide.send("third");
    expect(await receiveCount(3)).toEqual(["first", '{"seq":1}', "third"]);
  });
});

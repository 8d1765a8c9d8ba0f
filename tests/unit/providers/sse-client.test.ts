import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postForEvents } from "@/lib/agents/providers/sse-client";

let server: http.Server;
let url: string;
let connections = 0;
/** What the next request is answered with: status and the raw body chunks, written with a pause between them. */
let answer: { status: number; chunks: string[]; headers?: Record<string, string> };

beforeAll(async () => {
  server = http.createServer(async (req, res) => {
    for await (const _ of req);
    res.writeHead(answer.status, { "Content-Type": "text/event-stream", ...answer.headers });
    for (const chunk of answer.chunks) {
      res.write(chunk);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    res.end();
  });
  server.on("connection", () => connections++);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/chat`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function eventsOf(signal = new AbortController().signal): Promise<string[]> {
  const response = await postForEvents(url, { headers: { "Content-Type": "application/json" }, body: "{}", signal });
  if (!response.ok) throw new Error(`status ${response.status}`);
  const events: string[] = [];
  for await (const data of response.events) events.push(data);
  return events;
}

describe("postForEvents", () => {
  it("yields each event's data, whatever the chunking, line endings or data lines per event", async () => {
    answer = { status: 200, chunks: ['data: {"a":', "1}\n\ndata: x\r\n", "data: y\r\n\r\n: comment\n\nevent: e\ndata:z\n\n"] };
    expect(await eventsOf()).toEqual(['{"a":1}', "x\ny", "z"]);
  });

  it("drops an event the server cut off before its blank line", async () => {
    answer = { status: 200, chunks: ["data: whole\n\n", 'data: {"cut'] };
    expect(await eventsOf()).toEqual(["whole"]);
  });

  it("returns a failed response's status, headers and body instead of events", async () => {
    answer = { status: 429, chunks: ['{"error":{"message":"slow down"}}'], headers: { "Retry-After": "2" } };
    const response = await postForEvents(url, { headers: {}, body: "{}", signal: new AbortController().signal });
    expect(response.ok).toBe(false);
    if (response.ok) return;
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("2");
    expect(JSON.parse(response.body)).toEqual({ error: { message: "slow down" } });
  });

  it("keeps one connection across requests, even when each request's signal fires after its answer", async () => {
    answer = { status: 200, chunks: ["data: 1\n\n"] };
    await eventsOf();
    const before = connections;
    for (let turn = 0; turn < 3; turn++) {
      const controller = new AbortController();
      expect(await eventsOf(controller.signal)).toEqual(["1"]);
      controller.abort();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(connections).toBe(before);
  });

  it("stops reading when the signal fires mid-answer", async () => {
    answer = { status: 200, chunks: Array.from({ length: 50 }, (_, i) => `data: ${i}\n\n`) };
    const controller = new AbortController();
    const response = await postForEvents(url, { headers: {}, body: "{}", signal: controller.signal });
    if (!response.ok) throw new Error("expected events");
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const data of response.events) {
          seen.push(data);
          if (seen.length === 3) controller.abort();
        }
      })(),
    ).rejects.toThrow();
    expect(seen.length).toBeLessThan(50);
  });
});

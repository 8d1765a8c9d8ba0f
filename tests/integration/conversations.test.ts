import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeOpenAI, type FakeServer } from "@/tests/fakes";
import { startServer, type TestServer } from "../helpers/server";
import { getJson, sendJson } from "../helpers/http";
import { openInvokeStream } from "../helpers/sse";

let fake: FakeServer;
let server: TestServer;
let agentA: string;
let agentB: string;

beforeAll(async () => {
  fake = await startFakeOpenAI({ script: { echo: true } });
  server = await startServer({ env: { OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: fake.baseUrl } });
  const create = (name: string) => sendJson("POST", `${server.url}/api/agents`, { name, provider: "openai", model: "gpt-4o-mini" });
  agentA = (await create("A")).body.id;
  agentB = (await create("B")).body.id;
});
afterAll(async () => {
  await server?.stop();
  await fake?.close();
});

async function turn(agentId: string, message: string, conversationId?: string) {
  const response = await sendJson("POST", `${server.url}/api/invoke`, { agentId, message, conversationId, stream: false });
  expect(response.status).toBe(200);
  return response.body.conversationId as string;
}

describe("conversations API", () => {
  it("lists newest first with cursor paging and an agent filter", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await turn(i % 2 ? agentB : agentA, `topic ${i}`));
    const page1 = await getJson(`${server.url}/api/conversations?limit=2`);
    expect(page1.status).toBe(200);
    expect(page1.body.items.map((c: { id: string }) => c.id)).toEqual([ids[4], ids[3]]);
    const page2 = await getJson(`${server.url}/api/conversations?limit=2&cursor=${page1.body.nextCursor}`);
    expect(page2.body.items.map((c: { id: string }) => c.id)).toEqual([ids[2], ids[1]]);
    const page3 = await getJson(`${server.url}/api/conversations?limit=2&cursor=${page2.body.nextCursor}`);
    expect(page3.body.items.map((c: { id: string }) => c.id)).toEqual([ids[0]]);
    expect(page3.body.nextCursor).toBeNull();

    const onlyB = await getJson(`${server.url}/api/conversations?agentId=${agentB}`);
    expect(onlyB.body.items.map((c: { id: string }) => c.id)).toEqual([ids[3], ids[1]]);
    expect(page1.body.items[0]).toMatchObject({ title: "topic 4", agentId: agentA });

    // A new turn moves a conversation to the top.
    await turn(agentA, "bump", ids[0]);
    expect((await getJson(`${server.url}/api/conversations?limit=1`)).body.items[0].id).toBe(ids[0]);
  });

  it("searches titles and message content", async () => {
    const id = await turn(agentA, "Plans for the Zanzibar trip");
    await turn(agentA, "and what about pelicans?", id);
    expect((await getJson(`${server.url}/api/conversations?q=zanzibar`)).body.items.map((c: { id: string }) => c.id)).toEqual([id]);
    expect((await getJson(`${server.url}/api/conversations?q=pelican`)).body.items.map((c: { id: string }) => c.id)).toEqual([id]);
    expect((await getJson(`${server.url}/api/conversations?q=no-such-words-here`)).body.items).toEqual([]);
  });

  it("pages back through messages oldest first", async () => {
    const id = await turn(agentA, "m0");
    for (let i = 1; i < 4; i++) await turn(agentA, `m${i}`, id);
    const all = (await getJson(`${server.url}/api/conversations/${id}`)).body;
    expect(all.messages.map((m: { content: string }) => m.content)).toEqual([
      "m0", "You said: m0", "m1", "You said: m1", "m2", "You said: m2", "m3", "You said: m3",
    ]);
    const newest = (await getJson(`${server.url}/api/conversations/${id}?limit=3`)).body;
    expect(newest.messages.map((m: { content: string }) => m.content)).toEqual(["You said: m2", "m3", "You said: m3"]);
    const older = (await getJson(`${server.url}/api/conversations/${id}?limit=3&before=${newest.nextBefore}`)).body;
    expect(older.messages.map((m: { content: string }) => m.content)).toEqual(["m1", "You said: m1", "m2"]);
    expect(older.activeInvocationId).toBeNull();
  });

  it("renames, and deletes a conversation with its messages", async () => {
    const id = await turn(agentA, "to be renamed");
    const renamed = await sendJson("PATCH", `${server.url}/api/conversations/${id}`, { title: "  New title " });
    expect(renamed.status).toBe(200);
    expect(renamed.body.title).toBe("New title");
    expect((await fetch(`${server.url}/api/conversations/${id}`, { method: "DELETE" })).status).toBe(204);
    expect((await getJson(`${server.url}/api/conversations/${id}`)).status).toBe(404);
    expect((await fetch(`${server.url}/api/conversations/${id}`, { method: "DELETE" })).status).toBe(404);
  });

  it("cancels a running turn before deleting its conversation", async () => {
    const id = await turn(agentA, "first");
    fake.setScript({ text: "a long answer that keeps going and going".repeat(5), tokenDelayMs: 40 });
    const stream = await openInvokeStream(server.url, { agentId: agentA, conversationId: id, message: "second" });
    await stream.waitFor((event) => event.event === "token");
    expect((await fetch(`${server.url}/api/conversations/${id}`, { method: "DELETE" })).status).toBe(204);
    await stream.finished;
    expect(stream.events.at(-1)!.data.message.status).toBe("cancelled");
    expect((await getJson(`${server.url}/api/conversations/${id}`)).status).toBe(404);
    fake.setScript({ echo: true });
  });

  it("rejects bad queries and bodies with validation errors", async () => {
    const id = await turn(agentA, "validation target");
    const cases: [string, string, unknown, number, string][] = [
      ["GET", "/api/conversations?limit=0", undefined, 400, "validation_error"],
      ["GET", "/api/conversations?limit=abc", undefined, 400, "validation_error"],
      ["GET", "/api/conversations?limit=101", undefined, 400, "validation_error"],
      ["GET", "/api/conversations?cursor=garbage", undefined, 400, "validation_error"],
      ["GET", "/api/conversations?agentId=bad%20id", undefined, 400, "validation_error"],
      ["GET", "/api/conversations?foo=1", undefined, 400, "validation_error"],
      ["GET", `/api/conversations/${id}?before=cunknown00000000000000000`, undefined, 404, "not_found"],
      ["GET", "/api/conversations/cunknown00000000000000000", undefined, 404, "not_found"],
      ["PATCH", `/api/conversations/${id}`, { title: "" }, 400, "validation_error"],
      ["PATCH", `/api/conversations/${id}`, { title: "x", agentId: agentB }, 400, "validation_error"],
      ["POST", "/api/invocations/not-a-uuid/cancel", undefined, 400, "validation_error"],
      ["POST", "/api/invocations/5a0b1f6e-1111-4111-8111-111111111111/cancel", undefined, 404, "not_found"],
    ];
    for (const [method, path, body, status, code] of cases) {
      const response = await sendJson(method, `${server.url}${path}`, body);
      expect(response.status, `${method} ${path}`).toBe(status);
      expect(response.body.error.code, `${method} ${path}`).toBe(code);
    }
    expect((await getJson(`${server.url}/api/conversations/${id}`)).body.title).toBe("validation target");
  });
});

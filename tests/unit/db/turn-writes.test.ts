// The turn's reads and writes bypass Prisma (prepared statements, group commit); Prisma must
// still read exactly what they wrote, and one failing write must not take others with it.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "agent-nexus-turn-writes-"));
let db: typeof import("@/lib/db/client");
let messages: typeof import("@/lib/db/messages");
let conversations: typeof import("@/lib/db/conversations");
let agentId: string;

beforeAll(async () => {
  process.env.DATABASE_URL = `file:${path.join(dir, "test.db")}`;
  process.env.SEED_DEFAULT_AGENTS = "true";
  await (await import("@/lib/db/startup")).prepareDatabase();
  db = await import("@/lib/db/client");
  messages = await import("@/lib/db/messages");
  conversations = await import("@/lib/db/conversations");
  agentId = (await db.getDb().agent.findFirstOrThrow()).id;
});

afterAll(async () => {
  await db.closeDb();
  fs.rmSync(dir, { recursive: true, force: true });
});

function turn(overrides: Partial<Parameters<typeof messages.startTurn>[0]> = {}) {
  return messages.startTurn({
    conversation: { agentId, title: "A title" },
    userContent: "Hello?",
    invocationId: "inv-1",
    provider: "openai",
    model: "gpt-4o-mini",
    createdAt: new Date("2026-11-25T10:00:00.123Z"),
    ...overrides,
  });
}

describe("turn writes", () => {
  it("writes rows Prisma reads back field for field, in order", async () => {
    const started = (await turn())!;
    const done = await messages.finishTurn({
      conversationId: started.conversationId,
      assistantMessageId: started.assistantMessageId,
      invocationId: "inv-1",
      createdAt: started.assistantCreatedAt,
      assistant: { content: "Hi!", status: "complete", provider: "openai", model: "gpt-4o-mini", inputTokens: 9, outputTokens: 2, latencyMs: 40, ttftMs: 12 },
      reasoning: "Greet back.",
      actions: [{ toolCallId: "t1", name: "lookup", args: { q: "x" }, result: { found: true } }],
    });
    const viaPrisma = await conversations.getConversationWithMessages({ id: started.conversationId, limit: 10 });
    expect(viaPrisma).toMatchObject({ id: started.conversationId, title: "A title", agentId });
    expect(viaPrisma!.messages.map((m) => [m.role, m.type, m.content, m.status])).toEqual([
      ["user", "message", "Hello?", "complete"],
      ["assistant", "message", "Hi!", "complete"],
      ["assistant", "thought", "Greet back.", "complete"],
      ["tool", "action", "lookup", "complete"],
    ]);
    expect(viaPrisma!.messages[0].createdAt).toBe("2026-11-25T10:00:00.123Z");
    expect(viaPrisma!.messages[1]).toEqual(done);
    expect(done).toMatchObject({ usage: { inputTokens: 9, outputTokens: 2 }, latencyMs: 40, ttftMs: 12, invocationId: "inv-1" });
    expect(viaPrisma!.messages[3].data).toEqual({ toolCallId: "t1", name: "lookup", args: { q: "x" }, result: { found: true } });
  });

  it("commits writes asked for together, except the one that fails", async () => {
    const results = await Promise.allSettled([
      turn({ userContent: "first" }),
      turn({ conversation: { agentId: "no-such-agent", title: "orphan" } }),
      turn({ userContent: "third" }),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    const prisma = db.getDb();
    expect(await prisma.conversation.count({ where: { title: "orphan" } })).toBe(0);
    for (const result of [results[0], results[2]]) {
      const { conversationId } = (result as PromiseFulfilledResult<Awaited<ReturnType<typeof turn>>>).value!;
      expect(await prisma.message.count({ where: { conversationId } })).toBe(2);
    }
  });

  it("does not start a turn on a conversation that is gone", async () => {
    expect(await turn({ conversation: { id: "gone", agentId, title: "x" } })).toBeNull();
  });

  it("saves checkpoints of several streaming answers", async () => {
    const [a, b] = [(await turn())!, (await turn())!];
    await messages.checkpointMessages([
      { id: a.assistantMessageId, content: "partial a" },
      { id: b.assistantMessageId, content: "partial b" },
    ]);
    const rows = await db.getDb().message.findMany({ where: { id: { in: [a.assistantMessageId, b.assistantMessageId] } } });
    expect(rows.map((r) => [r.content, r.status]).sort()).toEqual([
      ["partial a", "streaming"],
      ["partial b", "streaming"],
    ]);
  });
});

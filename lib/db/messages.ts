// Message rows and the writes of one turn: one transaction at the start, throttled
// checkpoints of the streaming text, one transaction at the end.
import type { Message as MessageRow } from "@/lib/db/generated/client.ts";
import { newId, statement, storedDate, transaction, withTypes } from "@/lib/db/statements";
import type { MessageDto } from "@/lib/realtime/events";

export function toMessageDto(row: MessageRow): MessageDto {
  return {
    id: row.id,
    conversationId: row.conversationId,
    role: row.role as MessageDto["role"],
    type: row.type as MessageDto["type"],
    content: row.content,
    status: row.status as MessageDto["status"],
    ...(row.provider ? { provider: row.provider } : {}),
    ...(row.model ? { model: row.model } : {}),
    ...(row.inputTokens !== null || row.outputTokens !== null
      ? { usage: { inputTokens: row.inputTokens ?? 0, outputTokens: row.outputTokens ?? 0 } }
      : {}),
    ...(row.latencyMs !== null ? { latencyMs: row.latencyMs } : {}),
    ...(row.ttftMs !== null ? { ttftMs: row.ttftMs } : {}),
    ...(row.errorCode ? { error: { code: row.errorCode, message: row.errorMessage ?? "" } } : {}),
    ...(row.invocationId ? { invocationId: row.invocationId } : {}),
    ...(row.data !== null ? { data: row.data } : {}),
    createdAt: row.createdAt.toISOString(),
  };
}

export interface HistoryMessage {
  role: "user" | "assistant";
  content: string;
  createdAt: Date;
}

// The reads and writes below run on every turn, so they are prepared statements on the
// connection under Prisma rather than Prisma queries (lib/db/client.ts says why).

/** The conversation as the model saw it: user and assistant text, oldest first. */
export async function listHistory({ conversationId }: { conversationId: string }): Promise<HistoryMessage[]> {
  const rows = (
    await statement(
      `SELECT "role", "content", "createdAt" FROM "Message"
       WHERE "conversationId" = ? AND "type" = 'message' AND "role" IN ('user', 'assistant')
       ORDER BY "createdAt" ASC, "id" ASC`,
    )
  ).all(conversationId) as Record<string, unknown>[];
  return rows.map((row) => withTypes<HistoryMessage>(row, ["createdAt"]));
}

export interface TurnStart {
  /** An existing conversation's id, or what a new one is created with. */
  conversation: { id?: string; agentId: string; title: string };
  userContent: string;
  invocationId: string;
  provider: string;
  model: string;
  /** Strictly after every existing message, so ordering by createdAt is stable. */
  createdAt: Date;
}

export interface StartedTurn {
  conversationId: string;
  userMessageId: string;
  assistantMessageId: string;
  assistantCreatedAt: Date;
}

/**
 * Creates (if needed) the conversation, the user message and the streaming assistant row,
 * atomically. Returns null when the existing conversation is gone (deleted meanwhile).
 */
export async function startTurn(turn: TurnStart): Promise<StartedTurn | null> {
  const at = storedDate(turn.createdAt);
  const assistantCreatedAt = new Date(turn.createdAt.getTime() + 1);
  const started: StartedTurn = {
    conversationId: turn.conversation.id ?? newId(),
    userMessageId: newId(),
    assistantMessageId: newId(),
    assistantCreatedAt,
  };
  return transaction((sql) => {
    if (turn.conversation.id) {
      const { changes } = sql(`UPDATE "Conversation" SET "updatedAt" = ? WHERE "id" = ?`).run(at, turn.conversation.id);
      if (changes === 0) return null;
    } else {
      sql(`INSERT INTO "Conversation" ("id", "title", "agentId", "createdAt", "updatedAt") VALUES (?, ?, ?, ?, ?)`).run(
        started.conversationId,
        turn.conversation.title,
        turn.conversation.agentId,
        at,
        at,
      );
    }
    const insertMessage = sql(
      `INSERT INTO "Message" ("id", "conversationId", "role", "content", "status", "provider", "model", "invocationId", "createdAt", "updatedAt")
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    insertMessage.run(started.userMessageId, started.conversationId, "user", turn.userContent, "complete", null, null, null, at, at);
    const assistantAt = storedDate(assistantCreatedAt);
    insertMessage.run(
      started.assistantMessageId,
      started.conversationId,
      "assistant",
      "",
      "streaming",
      turn.provider,
      turn.model,
      turn.invocationId,
      assistantAt,
      assistantAt,
    );
    return started;
  });
}

/** The partial text of streaming answers, all in one transaction. */
export async function checkpointMessages(messages: { id: string; content: string }[]): Promise<void> {
  const at = storedDate(new Date());
  await transaction((sql) => {
    const update = sql(`UPDATE "Message" SET "content" = ?, "updatedAt" = ? WHERE "id" = ?`);
    for (const message of messages) update.run(message.content, at, message.id);
  });
}

export interface TurnEnd {
  conversationId: string;
  assistantMessageId: string;
  invocationId: string;
  createdAt: Date;
  assistant: {
    content: string;
    status: "complete" | "error" | "cancelled" | "interrupted";
    provider: string;
    model: string;
    inputTokens?: number;
    outputTokens?: number;
    latencyMs: number;
    ttftMs?: number;
    errorCode?: string;
    errorMessage?: string;
  };
  /** Reasoning text, stored as a `thought` row next to the answer. */
  reasoning?: string;
  /** Tool steps, stored as `action` rows. */
  actions: { toolCallId: string; name: string; args: unknown; result?: unknown; error?: string }[];
}

/** Final state of a turn in one transaction; returns the assistant message. */
export async function finishTurn(turn: TurnEnd): Promise<MessageDto> {
  const now = storedDate(new Date());
  const createdAt = storedDate(turn.createdAt);
  const { assistant } = turn;
  const row = await transaction((sql) => {
    const insertStep = sql(
      `INSERT INTO "Message" ("id", "conversationId", "role", "type", "content", "status", "invocationId", "data", "createdAt", "updatedAt")
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const step = (role: string, type: string, content: string, status: string, data: string | null) =>
      insertStep.run(newId(), turn.conversationId, role, type, content, status, turn.invocationId, data, createdAt, now);
    if (turn.reasoning) step("assistant", "thought", turn.reasoning, assistant.status, null);
    for (const action of turn.actions) {
      step("tool", "action", action.name, action.error ? "error" : "complete", JSON.stringify(action));
    }
    sql(`UPDATE "Conversation" SET "updatedAt" = ? WHERE "id" = ?`).run(now, turn.conversationId);
    return sql(
      `UPDATE "Message" SET "content" = ?, "status" = ?, "provider" = ?, "model" = ?, "inputTokens" = ?, "outputTokens" = ?,
         "latencyMs" = ?, "ttftMs" = ?, "errorCode" = ?, "errorMessage" = ?, "updatedAt" = ?
       WHERE "id" = ? RETURNING *`,
    ).get(
      assistant.content,
      assistant.status,
      assistant.provider,
      assistant.model,
      assistant.inputTokens ?? null,
      assistant.outputTokens ?? null,
      assistant.latencyMs,
      assistant.ttftMs ?? null,
      assistant.errorCode ?? null,
      assistant.errorMessage ?? null,
      now,
      turn.assistantMessageId,
    ) as Record<string, unknown> | undefined;
  });
  if (!row) throw new Error(`message ${turn.assistantMessageId} no longer exists`);
  return toMessageDto(withTypes<MessageRow>(row, ["createdAt", "updatedAt"], ["data"]));
}

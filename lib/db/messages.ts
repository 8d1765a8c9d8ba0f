// Message rows and the writes of one turn: one transaction at the start, throttled
// checkpoints of the streaming text, one transaction at the end.
import type { Message as MessageRow } from "@/lib/db/generated/client.ts";
import { getDb } from "@/lib/db/client";
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

/** The conversation as the model saw it: user and assistant text, oldest first. */
export async function listHistory({ conversationId }: { conversationId: string }): Promise<HistoryMessage[]> {
  const rows = await getDb().message.findMany({
    where: { conversationId, type: "message", role: { in: ["user", "assistant"] } },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    select: { role: true, content: true, createdAt: true },
  });
  return rows as HistoryMessage[];
}

export interface TurnStart {
  conversation: { id?: string; agentId: string; title: string };
  userContent: string;
  invocationId: string;
  provider: string;
  model: string;
  /** Strictly after every existing message, so ordering by createdAt is stable. */
  createdAt: Date;
}

/** Creates (if needed) the conversation, the user message and the streaming assistant row, atomically. */
export async function startTurn(turn: TurnStart) {
  return getDb().$transaction(async (tx) => {
    const conversation = turn.conversation.id
      ? await tx.conversation.update({ where: { id: turn.conversation.id }, data: { updatedAt: turn.createdAt } })
      : await tx.conversation.create({
          data: { agentId: turn.conversation.agentId, title: turn.conversation.title, createdAt: turn.createdAt },
        });
    const userMessage = await tx.message.create({
      data: { conversationId: conversation.id, role: "user", content: turn.userContent, createdAt: turn.createdAt },
    });
    const assistantMessage = await tx.message.create({
      data: {
        conversationId: conversation.id,
        role: "assistant",
        status: "streaming",
        provider: turn.provider,
        model: turn.model,
        invocationId: turn.invocationId,
        createdAt: new Date(turn.createdAt.getTime() + 1),
      },
    });
    return { conversation, userMessage, assistantMessage };
  });
}

export async function checkpointMessage({ id, content }: { id: string; content: string }): Promise<void> {
  await getDb().message.update({ where: { id }, data: { content } });
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
  const row = await getDb().$transaction(async (tx) => {
    const common = { conversationId: turn.conversationId, invocationId: turn.invocationId, createdAt: turn.createdAt };
    if (turn.reasoning) {
      await tx.message.create({
        data: { ...common, role: "assistant", type: "thought", content: turn.reasoning, status: turn.assistant.status },
      });
    }
    for (const action of turn.actions) {
      await tx.message.create({
        data: {
          ...common,
          role: "tool",
          type: "action",
          content: action.name,
          status: action.error ? "error" : "complete",
          data: JSON.parse(JSON.stringify(action)),
        },
      });
    }
    await tx.conversation.update({ where: { id: turn.conversationId }, data: { updatedAt: new Date() } });
    return tx.message.update({ where: { id: turn.assistantMessageId }, data: turn.assistant });
  });
  return toMessageDto(row);
}

// Conversation queries: newest-first listing with cursor paging and search, a
// conversation with a page of its messages, rename, and an atomic delete.
import type { Conversation as ConversationRow, Prisma } from "@/lib/db/generated/client.ts";
import { getDb } from "@/lib/db/client";
import { statement, withTypes } from "@/lib/db/statements";
import { toMessageDto } from "@/lib/db/messages";
import type { MessageDto } from "@/lib/realtime/events";

export interface ConversationDto {
  id: string;
  title: string;
  agentId: string;
  createdAt: string;
  updatedAt: string;
}

export function toConversationDto(row: ConversationRow): ConversationDto {
  return {
    id: row.id,
    title: row.title,
    agentId: row.agentId,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Opaque cursor: the last item's updatedAt and id, so paging is stable while rows change. */
function encodeCursor(row: ConversationRow): string {
  return Buffer.from(`${row.updatedAt.getTime()}:${row.id}`).toString("base64url");
}

export function decodeCursor(cursor: string): { updatedAt: Date; id: string } | null {
  const match = /^(\d{1,15}):([A-Za-z0-9_-]{1,64})$/.exec(Buffer.from(cursor, "base64url").toString());
  return match ? { updatedAt: new Date(Number(match[1])), id: match[2] } : null;
}

export async function listConversations(query: {
  agentId?: string;
  q?: string;
  limit: number;
  cursor?: { updatedAt: Date; id: string };
}): Promise<{ items: ConversationDto[]; nextCursor: string | null }> {
  const where: Prisma.ConversationWhereInput = {};
  if (query.agentId) where.agentId = query.agentId;
  if (query.q) {
    where.OR = [
      { title: { contains: query.q } },
      { messages: { some: { type: "message", content: { contains: query.q } } } },
    ];
  }
  if (query.cursor) {
    const { updatedAt, id } = query.cursor;
    where.AND = [{ OR: [{ updatedAt: { lt: updatedAt } }, { updatedAt, id: { lt: id } }] }];
  }
  const rows = await getDb().conversation.findMany({
    where,
    orderBy: [{ updatedAt: "desc" }, { id: "desc" }],
    take: query.limit + 1,
  });
  const page = rows.slice(0, query.limit);
  return {
    items: page.map(toConversationDto),
    nextCursor: rows.length > query.limit ? encodeCursor(page[page.length - 1]) : null,
  };
}

/** Read on every turn: a prepared statement rather than a Prisma query (see lib/db/client.ts). */
export async function getConversationById({ id }: { id: string }): Promise<ConversationDto | null> {
  const row = (await statement(`SELECT * FROM "Conversation" WHERE "id" = ?`)).get(id) as Record<string, unknown> | undefined;
  return row ? toConversationDto(withTypes<ConversationRow>(row, ["createdAt", "updatedAt"])) : null;
}

/**
 * A conversation with its newest `limit` messages (oldest first), or the `limit`
 * messages before the message `before`. `nextBefore` pages further back.
 */
export async function getConversationWithMessages({
  id,
  limit,
  before,
}: {
  id: string;
  limit: number;
  before?: string;
}): Promise<(ConversationDto & { messages: MessageDto[]; nextBefore: string | null }) | null> {
  const db = getDb();
  const conversation = await db.conversation.findUnique({ where: { id } });
  if (!conversation) return null;
  const where: Prisma.MessageWhereInput = { conversationId: id };
  if (before) {
    const anchor = await db.message.findFirst({ where: { id: before, conversationId: id } });
    if (!anchor) return null;
    where.OR = [{ createdAt: { lt: anchor.createdAt } }, { createdAt: anchor.createdAt, id: { lt: anchor.id } }];
  }
  const rows = await db.message.findMany({
    where,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit + 1,
  });
  const page = rows.slice(0, limit).reverse();
  return {
    ...toConversationDto(conversation),
    messages: page.map(toMessageDto),
    nextBefore: rows.length > limit ? page[0].id : null,
  };
}

export async function renameConversation({ id, title }: { id: string; title: string }): Promise<ConversationDto> {
  return toConversationDto(await getDb().conversation.update({ where: { id }, data: { title } }));
}

/** Deletes the conversation and its messages together. */
export async function deleteConversation({ id }: { id: string }): Promise<void> {
  await getDb().$transaction([
    getDb().message.deleteMany({ where: { conversationId: id } }),
    getDb().conversation.delete({ where: { id } }),
  ]);
}

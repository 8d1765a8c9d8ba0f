import { conversationGetQuerySchema, conversationPatchSchema } from "@/app/api/conversations/schema";
import {
  deleteConversation,
  getConversationById,
  getConversationWithMessages,
  renameConversation,
} from "@/lib/db/conversations";
import { AppError } from "@/lib/http/errors";
import { idParamsSchema } from "@/lib/http/schemas";
import { parseBody, parseParams, parseQuery, route } from "@/lib/http/request";
import { cancelInvocation, findRunningByConversation } from "@/lib/invoke";

export const dynamic = "force-dynamic";

async function findConversation(params: Promise<unknown>) {
  const { id } = await parseParams(params, idParamsSchema);
  const conversation = await getConversationById({ id });
  if (!conversation) throw new AppError("not_found", `No conversation with id ${id}.`);
  return conversation;
}

export const GET = route(async (request, { params }) => {
  const { id } = await parseParams(params, idParamsSchema);
  const query = parseQuery(request, conversationGetQuerySchema);
  const conversation = await getConversationWithMessages({ id, ...query });
  if (!conversation) {
    throw new AppError("not_found", query.before ? `No message ${query.before} in conversation ${id}.` : `No conversation with id ${id}.`);
  }
  const running = findRunningByConversation(id);
  return Response.json({ ...conversation, activeInvocationId: running?.invocationId ?? null });
});

export const PATCH = route(async (request, { params }) => {
  const conversation = await findConversation(params);
  const { title } = await parseBody(request, conversationPatchSchema);
  return Response.json(await renameConversation({ id: conversation.id, title }));
});

export const DELETE = route(async (_request, { params }) => {
  const conversation = await findConversation(params);
  // Stop a running turn first and let it write its final state, then delete everything.
  const running = findRunningByConversation(conversation.id);
  if (running) {
    cancelInvocation(running.invocationId);
    await running.done;
  }
  await deleteConversation({ id: conversation.id });
  return new Response(null, { status: 204 });
});

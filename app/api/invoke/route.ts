import { invokeBodySchema } from "@/app/api/invoke/schema";
import { AppError } from "@/lib/http/errors";
import { parseBody, route } from "@/lib/http/request";
import { invocationEventStream } from "@/lib/http/sse";
import { invokeAgent } from "@/lib/invoke";

export const dynamic = "force-dynamic";

export const POST = route(async (request) => {
  const { stream, ...input } = await parseBody(request, invokeBodySchema);
  const handle = await invokeAgent(input);
  if (stream) return invocationEventStream(handle.invocationId);

  const outcome = await handle.done;
  if (outcome.error) {
    const { code, message } = outcome.error;
    throw new AppError(code, message, { messageId: handle.messageId });
  }
  return Response.json({ invocationId: handle.invocationId, conversationId: handle.conversationId, message: outcome.message });
});

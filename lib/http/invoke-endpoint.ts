// POST /api/invoke. server.ts serves it with node:http instead of handing it to Next: it
// is on the path of every programmatic turn, and Next's request pipeline plus a web stream
// for the event body cost about 2 ms of CPU per request and a few µs per event (measured
// in bench/). Thin like any route handler: parse, call the invocation service, respond.
import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { AppError } from "@/lib/http/errors";
import { readNodeJsonBody, sendError, sendJson } from "@/lib/http/node-http";
import { parseWith } from "@/lib/http/request";
import { streamInvocationEvents } from "@/lib/http/sse";
import { invokeAgent } from "@/lib/invoke";
import { invokeInputSchema } from "@/lib/invoke/schema";

export const INVOKE_PATH = "/api/invoke";

export const invokeBodySchema = invokeInputSchema.extend({ stream: z.boolean().default(true) }).strict();

export async function serveInvoke(request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (request.method !== "POST") {
    response.writeHead(405, { Allow: "POST" }).end();
    return;
  }
  try {
    const { stream, ...input } = parseWith(invokeBodySchema, await readNodeJsonBody(request), "body");
    const handle = await invokeAgent(input);
    if (stream) return streamInvocationEvents(response, handle.invocationId);

    const outcome = await handle.done;
    if (outcome.error) {
      const { code, message } = outcome.error;
      throw new AppError(code, message, { messageId: handle.messageId });
    }
    sendJson(response, 200, { invocationId: handle.invocationId, conversationId: handle.conversationId, message: outcome.message });
  } catch (err) {
    sendError(response, err);
  }
}

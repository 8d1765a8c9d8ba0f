// The WebSocket wire protocol (API.md, "WebSocket"): what clients may send, checked with
// zod, and what the server sends back. Browser code can import this file too.
import { z } from "zod";
import { idSchema } from "@/lib/http/schemas";
import { invokeInputSchema } from "@/lib/invoke/schema";
import type { InvocationEvent } from "@/lib/realtime/events";

export type Topic = `conversation:${string}` | `agent:${string}` | "all";

export type ParsedTopic = { kind: "conversation" | "agent"; id: string } | { kind: "all" };

export function parseTopic(topic: string): ParsedTopic | undefined {
  if (topic === "all") return { kind: "all" };
  const colon = topic.indexOf(":");
  if (colon < 0) return undefined;
  const kind = topic.slice(0, colon);
  const id = topic.slice(colon + 1);
  if ((kind !== "conversation" && kind !== "agent") || !idSchema.safeParse(id).success) return undefined;
  return { kind, id };
}

const topicSchema = z
  .string()
  .refine((topic) => parseTopic(topic) !== undefined, "must be conversation:<id>, agent:<id> or all")
  .transform((topic) => topic as Topic);

// Unknown fields are rejected, as on the HTTP API.
const subscribeSchema = z.strictObject({
  type: z.literal("subscribe"),
  topic: topicSchema,
  afterSeq: z.number().int().min(0).optional(),
  /**
   * The invocation `afterSeq` counts in. When the conversation's latest invocation is a
   * different one, the client missed all of it and replay starts from its first event.
   */
  invocationId: idSchema.optional(),
});

const unsubscribeSchema = z.strictObject({ type: z.literal("unsubscribe"), topic: topicSchema });

const pingSchema = z.strictObject({ type: z.literal("ping") });

/** The same turn request as `POST /api/invoke`, plus a client-chosen id for the reply. */
const invokeSchema = invokeInputSchema.extend({
  type: z.literal("invoke"),
  requestId: z.string().min(1).max(200).optional(),
});

const cancelSchema = z.strictObject({ type: z.literal("cancel"), invocationId: idSchema });

const clientMessageSchemas = {
  subscribe: subscribeSchema,
  unsubscribe: unsubscribeSchema,
  ping: pingSchema,
  invoke: invokeSchema,
  cancel: cancelSchema,
} as const;

export const clientMessageSchema = z.discriminatedUnion("type", [
  subscribeSchema,
  unsubscribeSchema,
  pingSchema,
  invokeSchema,
  cancelSchema,
]);

export type ClientMessage = z.infer<typeof clientMessageSchema>;
export type ClientMessageType = ClientMessage["type"];

export type ParseResult =
  | { ok: true; message: ClientMessage }
  | { ok: false; message: string; requestId?: string };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** One client text frame -> a checked message, or a sentence saying what is wrong with it. */
export function parseClientMessage(text: string): ParseResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, message: "Frame is not valid JSON." };
  }
  if (!isObject(raw)) return { ok: false, message: "A message must be a JSON object with a `type`." };
  const type = raw.type;
  if (typeof type !== "string" || !Object.hasOwn(clientMessageSchemas, type)) {
    const known = Object.keys(clientMessageSchemas).join(", ");
    return { ok: false, message: `Unknown message type ${JSON.stringify(type ?? null)}; expected one of ${known}.` };
  }
  const result = clientMessageSchemas[type as ClientMessageType].safeParse(raw);
  if (result.success) return { ok: true, message: result.data };
  const issue = result.error.issues[0];
  const field = issue?.path.length ? issue.path.join(".") : "message";
  const requestId = typeof raw.requestId === "string" && raw.requestId.length <= 200 ? raw.requestId : undefined;
  return { ok: false, message: `Invalid ${type}: ${field}: ${issue?.message ?? "invalid"}`, requestId };
}

export type ServerMessage =
  | { type: "connected"; connectionId: string }
  | { type: "subscribed"; topic: Topic }
  | { type: "unsubscribed"; topic: Topic }
  | { type: "pong" }
  | { type: "accepted"; requestId?: string; invocationId: string; conversationId: string }
  | { type: "cancelled"; invocationId: string }
  | { type: "error"; code: string; message: string; requestId?: string }
  | InvocationEvent;

/** Close codes the hub uses (RFC 6455 section 7.4.1). */
export const CLOSE_CODES = {
  goingAway: 1001,
  messageTooBig: 1009,
  tryAgainLater: 1013,
} as const;

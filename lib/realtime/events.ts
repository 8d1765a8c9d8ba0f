// Invocation events: one shape on SSE and WebSocket (API.md, "Events").
// The hub moves these; it knows nothing of Prisma or providers.

export interface EventBase {
  invocationId: string;
  conversationId: string;
  agentId: string;
  messageId: string;
  /** 1, 2, 3 … per invocation, no gaps. */
  seq: number;
}

export interface MessageUsage {
  inputTokens: number;
  outputTokens: number;
}

/** A stored message as the API renders it. */
export interface MessageDto {
  id: string;
  conversationId: string;
  role: "user" | "assistant" | "system" | "tool";
  type: "message" | "thought" | "action";
  content: string;
  status: "complete" | "streaming" | "error" | "cancelled" | "interrupted";
  provider?: string;
  model?: string;
  usage?: MessageUsage;
  latencyMs?: number;
  ttftMs?: number;
  error?: { code: string; message: string };
  invocationId?: string;
  data?: unknown;
  createdAt: string;
}

export type EventPayload =
  | { type: "start"; userMessageId: string; provider: string; model: string }
  | { type: "token"; text: string }
  | { type: "thought"; text: string }
  | { type: "tool.call"; toolCallId: string; name: string; args: unknown }
  | { type: "tool.result"; toolCallId: string; result?: unknown; error?: string }
  | { type: "done"; message: MessageDto }
  | { type: "error"; code: string; message: string; retryable: boolean }
  | { type: "snapshot"; content: string; reasoning: string; upToSeq: number };

export type InvocationEvent = EventBase & EventPayload;
export type EventType = EventPayload["type"];

export const TERMINAL_EVENT_TYPES: ReadonlySet<EventType> = new Set(["done", "error"]);

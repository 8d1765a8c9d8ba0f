// The one interface every provider implements, and the one stream-part union
// everything above lib/agents sees. Vendor formats never leave a provider file.

export const PROVIDER_IDS = ["openai", "gemini", "ollama", "anthropic", "openai-compatible", "local"] as const;
export type ProviderId = (typeof PROVIDER_IDS)[number];

export interface ChatMessage {
  role: "user" | "assistant";
  content: string;
}

export interface ChatRequest {
  /** System prompt; sent the way the vendor expects (message, instruction or field). */
  system?: string;
  /** Oldest first; already trimmed to the model's context budget. */
  messages: ChatMessage[];
  model: string;
  temperature?: number;
  maxTokens?: number;
}

export interface Usage {
  inputTokens: number;
  outputTokens: number;
}

export type FinishReason = "stop" | "length" | "tool-calls" | "content-filter" | "other";

/** Error codes a provider may report; each maps to an HTTP status in lib/http/errors.ts. */
export type ProviderErrorCode =
  | "provider_not_configured"
  | "provider_unavailable"
  | "provider_auth"
  | "rate_limited"
  | "context_length_exceeded"
  | "provider_error";

export type StreamPart =
  | { type: "text-delta"; text: string }
  | { type: "reasoning-delta"; text: string }
  | { type: "tool-call"; id: string; name: string; args: unknown }
  | { type: "tool-result"; id: string; result?: unknown; error?: string }
  | { type: "finish"; finishReason: FinishReason; usage: Usage }
  | {
      type: "error";
      code: ProviderErrorCode;
      message: string;
      retryable: boolean;
      /** Vendor's requested delay before a retry (Retry-After), when known. */
      retryAfterMs?: number;
    };

export interface ModelInfo {
  id: string;
  /** Context window in tokens, when the vendor says. */
  contextWindow?: number;
  /** Size in bytes (local files, Ollama tags). */
  sizeBytes?: number;
}

export interface ProviderHealth {
  reachable: boolean;
  /** Round trip of the check, in ms. */
  latencyMs?: number;
  /** Why it is not reachable, in words a person can act on. Never contains a key. */
  error?: string;
  /** The model used when an agent names none (local: the default file, with its size). */
  defaultModel?: ModelInfo;
}

/** What an agent (or one of its fallbacks) points at. */
export interface ProviderTarget {
  provider: ProviderId;
  model: string;
  /** openai-compatible only: the operator-declared endpoint name. */
  endpoint?: string | null;
}

export interface Provider {
  readonly id: ProviderId;
  /**
   * Streams one chat completion as our parts. Never throws for vendor failures:
   * they arrive as one final `error` part. Ends after `finish` or `error`.
   * Aborting the signal closes the vendor connection at once and ends the stream.
   */
  stream(request: ChatRequest, signal: AbortSignal): AsyncIterable<StreamPart>;
  listModels(signal?: AbortSignal): Promise<ModelInfo[]>;
  checkHealth(signal?: AbortSignal): Promise<ProviderHealth>;
}

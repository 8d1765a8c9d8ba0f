// Small display formats for message details.
import type { MessageUsage } from "@/lib/client/types";

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function formatTokens(usage: MessageUsage): string {
  const n = (value: number) => value.toLocaleString("en-US");
  return `${n(usage.inputTokens)} in · ${n(usage.outputTokens)} out`;
}

/** Output speed, when there is enough to measure. */
export function tokensPerSecond(usage: MessageUsage | undefined, latencyMs: number | undefined, ttftMs: number | undefined): string | undefined {
  if (!usage || !latencyMs || usage.outputTokens < 2) return undefined;
  const streamingMs = latencyMs - (ttftMs ?? 0);
  // A burst of a few milliseconds says nothing about speed.
  if (streamingMs < 250) return undefined;
  return `${Math.round((usage.outputTokens * 1000) / streamingMs)} tok/s`;
}

/** What to do about a failed turn, by error code (the message itself comes from the server). */
const ERROR_ADVICE: Record<string, string> = {
  provider_not_configured: "Set it in .env and restart the server, or give this agent another provider.",
  provider_unavailable: "Check that the provider is running and reachable from the server, then retry.",
  provider_auth: "Check the API key in .env and restart the server.",
  rate_limited: "Wait a moment, then retry.",
  context_length_exceeded: "Start a new conversation, or give the agent a model with a larger context window.",
  conversation_busy: "Wait for the current answer to finish or stop it, then retry.",
  provider_error: "Retry; if it keeps failing, try another model.",
  internal: "Retry; the server log has the details.",
  connection_lost: "The connection is back when the indicator is green.",
  offline: "Start the server, then retry.",
  timeout: "Retry once the connection is stable.",
};

export function errorAdvice(code: string): string | undefined {
  return ERROR_ADVICE[code];
}

// Turning vendor failures into our `error` part: API.md's code, whether a retry can help,
// and a message that names the provider and model and says what to do. Providers describe
// what went wrong in vendor-neutral terms; the wording lives here so all six read alike.
// Every message is scrubbed of configured keys before it leaves this file.
import { configuredSecrets, displayUrl, type ProviderSettings } from "@/lib/agents/config";
import type { ProviderErrorCode, StreamPart } from "@/lib/agents/types";
import { AppError } from "@/lib/http/errors";

export type ErrorPart = Extract<StreamPart, { type: "error" }>;

/** Who failed: enough to name them in a message. */
export interface FailureContext {
  label: string;
  model: string;
  /** Base URL as the operator configured it; shown without credentials or query. */
  baseUrl: string;
  keyEnvVar?: string;
}

export function failureContext(settings: ProviderSettings, model: string): FailureContext {
  return {
    label: settings.label,
    model,
    baseUrl: settings.baseUrl,
    ...(settings.keyEnvVar ? { keyEnvVar: settings.keyEnvVar } : {}),
  };
}

/** An HTTP error answer from the vendor, as the provider saw it. */
export interface HttpFailure {
  status: number;
  /** The vendor's own words (error.message), if any. */
  vendorMessage?: string;
  /** The vendor's error code or type (e.g. "context_length_exceeded", "overloaded_error"). */
  vendorCode?: string;
  retryAfterMs?: number;
  /** The vendor says the key is bad even though the status is not 401/403 (Gemini answers 400). */
  authRejected?: boolean;
}

const MAX_VENDOR_MESSAGE = 300;

const CONTEXT_OVERFLOW =
  /context[ _-]?(length|window)|maximum context|prompt is too long|too many tokens|input token count|exceeds? the (maximum|max)[^.]*tokens|input length exceeds|reduce the length of the messages/i;

/** Replaces every configured key (and a `key=` query value) with a placeholder. */
export function redactSecrets(text: string): string {
  let out = text;
  for (const secret of configuredSecrets()) out = out.split(secret).join("[redacted]");
  return out.replace(/([?&](?:key|api_key|apikey)=)[^&\s"']+/gi, "$1[redacted]");
}

function vendorWords(message: string | undefined): string {
  if (!message) return "";
  const clean = redactSecrets(message).replace(/\s+/g, " ").trim();
  if (!clean) return "";
  const short = clean.length > MAX_VENDOR_MESSAGE ? `${clean.slice(0, MAX_VENDOR_MESSAGE)}…` : clean;
  return ` The provider said: "${short}"`;
}

export function errorPart(
  ctx: FailureContext,
  code: ProviderErrorCode,
  detail: string,
  retryable: boolean,
  retryAfterMs?: number,
): ErrorPart {
  return {
    type: "error",
    code,
    message: redactSecrets(`${ctx.model ? `${ctx.label} (${ctx.model})` : ctx.label}: ${detail}`),
    retryable,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  };
}

export function notConfiguredPart(settings: ProviderSettings, model: string): ErrorPart {
  const ctx = failureContext(settings, model);
  const what = settings.problem ?? `${settings.missingEnvVar ?? "its settings"} is not set.`;
  return errorPart(ctx, "provider_not_configured", `${what} Set it in the server's environment and restart.`, false);
}

export function httpFailurePart(ctx: FailureContext, failure: HttpFailure): ErrorPart {
  const { status } = failure;
  const said = vendorWords(failure.vendorMessage);
  const keyHint = ctx.keyEnvVar ? ` Check ${ctx.keyEnvVar}.` : "";
  if (status === 401 || status === 403 || failure.authRejected) {
    return errorPart(ctx, "provider_auth", `the provider rejected the credentials (HTTP ${status}).${keyHint}${said}`, false);
  }
  if (status === 429) {
    const wait = failure.retryAfterMs !== undefined ? ` Retry after ${Math.ceil(failure.retryAfterMs / 1000)} s.` : "";
    return errorPart(ctx, "rate_limited", `rate limited by the provider (HTTP 429).${wait}${said}`, true, failure.retryAfterMs);
  }
  const overflow =
    failure.vendorCode === "context_length_exceeded" ||
    ((status === 400 || status === 413 || status === 422) && CONTEXT_OVERFLOW.test(failure.vendorMessage ?? ""));
  if (overflow) {
    return errorPart(
      ctx,
      "context_length_exceeded",
      `the conversation no longer fits the model's context window; start a new conversation or choose a model with a larger window.${said}`,
      false,
    );
  }
  if (status === 408 || status === 504) {
    return errorPart(ctx, "provider_unavailable", `${displayUrl(ctx.baseUrl)} timed out (HTTP ${status}).${said}`, true);
  }
  if (status >= 500) {
    return errorPart(ctx, "provider_error", `the provider failed (HTTP ${status}).${said}`, true, failure.retryAfterMs);
  }
  if (status === 404) {
    return errorPart(ctx, "provider_error", `not found (HTTP 404): check the model name and the base URL ${displayUrl(ctx.baseUrl)}.${said}`, false);
  }
  return errorPart(ctx, "provider_error", `the provider refused the request (HTTP ${status}).${said}`, false);
}

/** An error the vendor reported inside an already running stream. */
export function streamErrorPart(ctx: FailureContext, vendorMessage: string | undefined, vendorCode?: string): ErrorPart {
  if (vendorCode && /rate_limit/i.test(vendorCode)) return httpFailurePart(ctx, { status: 429, vendorMessage });
  if (vendorCode === "context_length_exceeded" || CONTEXT_OVERFLOW.test(vendorMessage ?? "")) {
    return httpFailurePart(ctx, { status: 400, vendorMessage, vendorCode: "context_length_exceeded" });
  }
  return errorPart(ctx, "provider_error", `the provider reported an error mid-answer.${vendorWords(vendorMessage)}`, true);
}

/** Where the provider lives, for messages ("http://127.0.0.1:11434", or the in-process model). */
function whereIs(ctx: FailureContext): string {
  return ctx.baseUrl ? displayUrl(ctx.baseUrl) : "the model";
}

const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host name lookup failed",
  ETIMEDOUT: "connection timed out",
  UND_ERR_CONNECT_TIMEOUT: "connection timed out",
  ECONNRESET: "connection reset",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  EPIPE: "connection closed",
  UND_ERR_SOCKET: "connection closed",
  CERT_HAS_EXPIRED: "TLS certificate expired",
  DEPTH_ZERO_SELF_SIGNED_CERT: "self-signed TLS certificate",
};

/** The first low-level network code found on an error or its causes. */
function networkCode(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; current && depth < 6; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && code in NETWORK_REASONS) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The vendor could not be reached (refused, DNS, TLS, timeout) before any answer. */
export function unreachablePart(ctx: FailureContext, err: unknown, reason?: string): ErrorPart {
  const code = networkCode(err);
  const why = reason ?? (code ? NETWORK_REASONS[code] : undefined) ?? "could not connect";
  return errorPart(ctx, "provider_unavailable", `not reachable at ${whereIs(ctx)} (${why}).`, true);
}

export function malformedChunkPart(ctx: FailureContext): ErrorPart {
  return errorPart(ctx, "provider_error", "the provider sent a malformed stream chunk.", true);
}

export function cutPart(ctx: FailureContext): ErrorPart {
  return errorPart(ctx, "provider_error", "the connection closed before the answer was finished.", true);
}

export function timeoutPart(ctx: FailureContext, phase: "first-token" | "idle", ms: number): ErrorPart {
  const seconds = ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
  const detail =
    phase === "first-token"
      ? `no answer from ${whereIs(ctx)} within ${seconds} (PROVIDER_FIRST_TOKEN_TIMEOUT_MS).`
      : `${whereIs(ctx)} stopped sending for ${seconds} mid-answer (PROVIDER_IDLE_TIMEOUT_MS).`;
  return errorPart(ctx, "provider_unavailable", detail, true);
}

/**
 * A failure thrown by an SDK that is not an HTTP status: a network error before the answer
 * started, a malformed chunk, or a connection cut while streaming.
 */
export function thrownFailurePart(ctx: FailureContext, err: unknown, answerStarted: boolean): ErrorPart {
  if (err instanceof SyntaxError) return malformedChunkPart(ctx);
  if (!answerStarted) return unreachablePart(ctx, err);
  return cutPart(ctx);
}

/** Parses Retry-After (seconds or HTTP date) and the non-standard retry-after-ms. */
export function retryAfterMsFromHeaders(headers: Headers | undefined | null): number | undefined {
  if (!headers) return undefined;
  const ms = Number.parseFloat(headers.get("retry-after-ms") ?? "");
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers.get("retry-after");
  if (!value) return undefined;
  const seconds = Number.parseFloat(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** For listModels and other request/response calls: the same failure as an AppError. */
export function appErrorFrom(part: ErrorPart): AppError {
  return new AppError(part.code, part.message, undefined, part.retryAfterMs);
}

// OpenAI and every OpenAI-compatible endpoint (DeepSeek, Grok, OpenRouter, LM Studio, vLLM):
// the chat completions stream, normalized to our parts. The stream is read by our own SSE
// client (sse-client.ts says why); the `openai` SDK lists models. The two providers differ
// only in where settings come from and in a few request fields.
import OpenAI, { APIConnectionTimeoutError, APIError } from "openai";
import { providerSettings, type ProviderSettings } from "@/lib/agents/config";
import {
  cutPart,
  failureContext,
  httpFailurePart,
  notConfiguredPart,
  retryAfterMsFromHeaders,
  streamErrorPart,
  thrownFailurePart,
  unreachablePart,
  type ErrorPart,
  type FailureContext,
} from "@/lib/agents/errors";
import { postForEvents } from "@/lib/agents/providers/sse-client";
import { healthFromListing, listingTimedOut, modelsOrThrow, sortedModels, type ModelListing } from "@/lib/agents/listing";
import type { ChatRequest, FinishReason, ModelInfo, Provider, StreamPart } from "@/lib/agents/types";

export interface ChatCompletionsOptions {
  id: "openai" | "openai-compatible";
  settings: () => ProviderSettings;
  /** OpenAI's own API wants max_completion_tokens; compatible servers mostly know only max_tokens. */
  maxTokensField: "max_completion_tokens" | "max_tokens";
}

export function createOpenAIProvider(): Provider {
  return createChatCompletionsProvider({
    id: "openai",
    settings: () => providerSettings({ provider: "openai" }),
    maxTokensField: "max_completion_tokens",
  });
}

export function createChatCompletionsProvider(options: ChatCompletionsOptions): Provider {
  return {
    id: options.id,
    stream: (request, signal) => streamChat(options, request, signal),
    listModels: async (signal) => modelsOrThrow(await fetchModels(options, signal)),
    checkHealth: (signal) => healthFromListing(() => fetchModels(options, signal)),
  };
}

/** The "Name: value" lines the operator put in OPENAI_CUSTOM_HEADERS (which the SDK reads by itself). */
function operatorCustomHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of (process.env.OPENAI_CUSTOM_HEADERS ?? "").split("\n")) {
    const colon = line.indexOf(":");
    const name = line.slice(0, colon).trim();
    if (colon > 0 && name) headers[name] = line.slice(colon + 1).trim();
  }
  return headers;
}

function createClient(options: ChatCompletionsOptions, settings: ProviderSettings): OpenAI {
  const strip: Record<string, null> = {};
  if (options.id === "openai-compatible") {
    // The SDK adds headers from OPENAI_* variables on its own; none of them may travel to
    // an endpoint that was declared with its own (or no) key.
    for (const name of Object.keys(operatorCustomHeaders())) strip[name] = null;
    if (!settings.apiKey) strip.Authorization = null;
  }
  return new OpenAI({
    // Explicit values keep the SDK from reading OPENAI_API_KEY and friends by itself.
    apiKey: settings.apiKey ?? "unused",
    adminAPIKey: null,
    organization: null,
    project: null,
    webhookSecret: null,
    baseURL: settings.baseUrl,
    maxRetries: 0,
    // We report failures ourselves (scrubbed); the SDK's own log lines would duplicate them.
    logLevel: "off",
    defaultHeaders: strip,
  });
}

/** A model listing failure (the SDK's errors) in our words. */
function failureFrom(ctx: FailureContext, err: unknown): ErrorPart {
  if (err instanceof APIConnectionTimeoutError) return unreachablePart(ctx, err, "timed out");
  if (err instanceof APIError && err.status !== undefined) {
    const body = err.error as { message?: unknown; code?: unknown; type?: unknown } | undefined;
    return httpFailurePart(ctx, {
      status: err.status,
      vendorMessage: typeof body?.message === "string" ? body.message : err.message,
      vendorCode: typeof body?.code === "string" ? body.code : undefined,
      retryAfterMs: retryAfterMsFromHeaders(err.headers),
    });
  }
  return thrownFailurePart(ctx, err, false);
}

function finishReasonOf(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case "stop":
      return "stop";
    case "length":
      return "length";
    case "tool_calls":
    case "function_call":
      return "tool-calls";
    case "content_filter":
      return "content-filter";
    default:
      return "other";
  }
}

/** Reasoning arrives as `reasoning_content` (DeepSeek, vLLM) or `reasoning` (OpenRouter, Ollama's /v1). */
function reasoningOf(delta: Record<string, unknown>): string | undefined {
  const value = delta.reasoning_content ?? delta.reasoning;
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

/** The headers of a chat request: the key (only to its own endpoint) and, for OpenAI itself, OPENAI_CUSTOM_HEADERS. */
function chatHeaders(options: ChatCompletionsOptions, settings: ProviderSettings): Record<string, string> {
  const headers = options.id === "openai" ? operatorCustomHeaders() : {};
  headers["Content-Type"] = "application/json";
  headers.Accept = "text/event-stream";
  headers["User-Agent"] = "agent-nexus";
  if (settings.apiKey) headers.Authorization = `Bearer ${settings.apiKey}`;
  return headers;
}

/** The vendor's `{"error": {message, code, type}}` (or a bare message) from a failed response. */
function vendorError(body: string): { message?: string; code?: string } {
  try {
    const parsed = JSON.parse(body) as { error?: unknown; message?: unknown };
    const error = (typeof parsed.error === "object" && parsed.error !== null ? parsed.error : parsed) as Record<string, unknown>;
    const message = typeof error.message === "string" ? error.message : typeof parsed.error === "string" ? parsed.error : undefined;
    const code = typeof error.code === "string" ? error.code : typeof error.type === "string" ? error.type : undefined;
    return { message, code };
  } catch {
    return { message: body.trim().slice(0, 500) || undefined };
  }
}

interface ChatChunk {
  choices?: { delta?: Record<string, unknown>; finish_reason?: string | null }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number } | null;
  error?: { message?: unknown; code?: unknown; type?: unknown };
}

/**
 * The chat completions stream, read with our own SSE client (see sse-client.ts for why not
 * the SDK): `data: {chunk}` events until `data: [DONE]`.
 */
async function* streamChat(
  options: ChatCompletionsOptions,
  request: ChatRequest,
  signal: AbortSignal,
): AsyncGenerator<StreamPart> {
  const settings = options.settings();
  if (!settings.configured) {
    yield notConfiguredPart(settings, request.model);
    return;
  }
  if (signal.aborted) return;
  const ctx = failureContext(settings, request.model);
  const body = JSON.stringify({
    model: request.model,
    messages: [
      ...(request.system ? [{ role: "system", content: request.system }] : []),
      ...request.messages.map((m) => ({ role: m.role, content: m.content })),
    ],
    stream: true,
    stream_options: { include_usage: true },
    ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
    ...(request.maxTokens !== undefined ? { [options.maxTokensField]: request.maxTokens } : {}),
  });

  let answerStarted = false;
  let finishReason: FinishReason | undefined;
  let usage = { inputTokens: 0, outputTokens: 0 };
  try {
    const url = `${settings.baseUrl.replace(/\/+$/, "")}/chat/completions`;
    const response = await postForEvents(url, { headers: chatHeaders(options, settings), body, signal });
    if (!response.ok) {
      const error = vendorError(response.body);
      yield httpFailurePart(ctx, {
        status: response.status,
        vendorMessage: error.message,
        vendorCode: error.code,
        retryAfterMs: retryAfterMsFromHeaders(response.headers),
      });
      return;
    }
    answerStarted = true;
    // Read to the end of the response, past `[DONE]`: a response left half-read costs its
    // kept-alive connection, and the next turn would pay for a new one.
    for await (const data of response.events) {
      if (data === "[DONE]") continue;
      const chunk = JSON.parse(data) as ChatChunk;
      if (chunk.error) {
        const { message, code, type } = chunk.error;
        const vendorCode = typeof code === "string" ? code : typeof type === "string" ? type : undefined;
        yield streamErrorPart(ctx, typeof message === "string" ? message : undefined, vendorCode);
        return;
      }
      if (chunk.usage) {
        usage = { inputTokens: chunk.usage.prompt_tokens ?? 0, outputTokens: chunk.usage.completion_tokens ?? 0 };
      }
      const choice = chunk.choices?.[0];
      if (!choice) continue;
      const delta = choice.delta ?? {};
      const reasoning = reasoningOf(delta);
      if (reasoning) yield { type: "reasoning-delta", text: reasoning };
      if (typeof delta.content === "string" && delta.content.length > 0) yield { type: "text-delta", text: delta.content };
      if (choice.finish_reason) finishReason = finishReasonOf(choice.finish_reason);
    }
  } catch (err) {
    if (signal.aborted) return;
    yield thrownFailurePart(ctx, err, answerStarted);
    return;
  }
  if (signal.aborted) return;
  if (!finishReason) {
    yield cutPart(ctx);
    return;
  }
  yield { type: "finish", finishReason, usage };
}

async function fetchModels(options: ChatCompletionsOptions, signal?: AbortSignal): Promise<ModelListing> {
  const settings = options.settings();
  if (!settings.configured) return { ok: false, failure: notConfiguredPart(settings, "") };
  const ctx = failureContext(settings, "");
  const client = createClient(options, settings);
  try {
    const models: ModelInfo[] = [];
    for await (const model of client.models.list({ signal })) models.push({ id: model.id });
    return { ok: true, models: sortedModels(models) };
  } catch (err) {
    if (signal?.aborted) return listingTimedOut(ctx);
    const status = err instanceof APIError ? err.status : undefined;
    return { ok: false, failure: failureFrom(ctx, err), ...(status !== undefined ? { status } : {}) };
  }
}

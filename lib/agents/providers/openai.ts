// OpenAI and every OpenAI-compatible endpoint (DeepSeek, Grok, OpenRouter, LM Studio, vLLM):
// the `openai` SDK's chat completions stream, normalized to our parts. The two differ only
// in where settings come from and in a few request fields.
import OpenAI, { APIConnectionTimeoutError, APIError, APIUserAbortError } from "openai";
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

/** Header names the operator put in OPENAI_CUSTOM_HEADERS (which the SDK reads by itself). */
function operatorCustomHeaderNames(): string[] {
  const raw = process.env.OPENAI_CUSTOM_HEADERS ?? "";
  return raw
    .split("\n")
    .filter((line) => line.includes(":"))
    .map((line) => line.slice(0, line.indexOf(":")).trim())
    .filter((name) => name.length > 0);
}

function createClient(options: ChatCompletionsOptions, settings: ProviderSettings): OpenAI {
  const strip: Record<string, null> = {};
  if (options.id === "openai-compatible") {
    // The SDK adds headers from OPENAI_* variables on its own; none of them may travel to
    // an endpoint that was declared with its own (or no) key.
    for (const name of operatorCustomHeaderNames()) strip[name] = null;
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

/** The vendor's failure in our words. */
function failureFrom(ctx: FailureContext, err: unknown, answerStarted: boolean): ErrorPart {
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
  // `data: {"error": …}` inside the stream comes as an APIError without a status.
  if (err instanceof APIError && err.error !== undefined) {
    const body = err.error as { message?: unknown; code?: unknown; type?: unknown };
    const code = typeof body.code === "string" ? body.code : typeof body.type === "string" ? body.type : undefined;
    return streamErrorPart(ctx, typeof body.message === "string" ? body.message : undefined, code);
  }
  return thrownFailurePart(ctx, err, answerStarted);
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
  const client = createClient(options, settings);
  const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [
    ...(request.system ? [{ role: "system" as const, content: request.system }] : []),
    ...request.messages.map((m) => ({ role: m.role, content: m.content })),
  ];

  let answerStarted = false;
  let finishReason: FinishReason | undefined;
  let usage = { inputTokens: 0, outputTokens: 0 };
  try {
    const stream = await client.chat.completions.create(
      {
        model: request.model,
        messages,
        stream: true,
        stream_options: { include_usage: true },
        ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
        ...(request.maxTokens !== undefined ? { [options.maxTokensField]: request.maxTokens } : {}),
      },
      { signal },
    );
    answerStarted = true;
    for await (const chunk of stream) {
      if (chunk.usage) {
        usage = { inputTokens: chunk.usage.prompt_tokens ?? 0, outputTokens: chunk.usage.completion_tokens ?? 0 };
      }
      const choice = chunk.choices?.[0];
      if (!choice) continue;
      const delta = (choice.delta ?? {}) as Record<string, unknown>;
      const reasoning = reasoningOf(delta);
      if (reasoning) yield { type: "reasoning-delta", text: reasoning };
      if (typeof delta.content === "string" && delta.content.length > 0) yield { type: "text-delta", text: delta.content };
      if (choice.finish_reason) finishReason = finishReasonOf(choice.finish_reason);
    }
  } catch (err) {
    if (signal.aborted || err instanceof APIUserAbortError) return;
    yield failureFrom(ctx, err, answerStarted);
    return;
  }
  // The SDK ends a stream quietly when it is aborted.
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
    return { ok: false, failure: failureFrom(ctx, err, false), ...(status !== undefined ? { status } : {}) };
  }
}

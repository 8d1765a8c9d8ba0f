// Anthropic through @anthropic-ai/sdk (ANTHROPIC_BASE_URL): the Messages stream's raw events
// normalized to our parts; thinking blocks become reasoning, message_start/message_delta
// usage becomes ours. The system prompt is the top-level `system` field.
import Anthropic, { APIConnectionTimeoutError, APIError, APIUserAbortError } from "@anthropic-ai/sdk";
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

/** Anthropic requires max_tokens; used when the agent does not set one. */
const DEFAULT_MAX_TOKENS = 4096;

export function createAnthropicProvider(): Provider {
  return {
    id: "anthropic",
    stream: (request, signal) => streamAnthropic(request, signal),
    listModels: async (signal) => modelsOrThrow(await fetchModels(signal)),
    checkHealth: (signal) => healthFromListing(() => fetchModels(signal)),
  };
}

const settingsNow = () => providerSettings({ provider: "anthropic" });

function client(settings: ProviderSettings): Anthropic {
  return new Anthropic({
    // An explicit key keeps the SDK from reading ANTHROPIC_API_KEY / ANTHROPIC_AUTH_TOKEN itself.
    apiKey: settings.apiKey,
    baseURL: settings.baseUrl,
    maxRetries: 0,
    logLevel: "off",
  });
}

function failureFrom(ctx: FailureContext, err: unknown, answerStarted: boolean): ErrorPart {
  if (err instanceof APIConnectionTimeoutError) return unreachablePart(ctx, err, "timed out");
  if (err instanceof APIError && err.status !== undefined) {
    return httpFailurePart(ctx, {
      status: err.status,
      vendorMessage: err.apiMessage ?? err.message,
      vendorCode: err.type ?? undefined,
      retryAfterMs: retryAfterMsFromHeaders(err.headers),
    });
  }
  // An `event: error` inside the stream (overloaded_error, api_error …) has no status.
  if (err instanceof APIError && err.type) return streamErrorPart(ctx, err.apiMessage ?? undefined, err.type);
  return thrownFailurePart(ctx, err, answerStarted);
}

function finishReasonOf(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case "end_turn":
    case "stop_sequence":
      return "stop";
    case "max_tokens":
    case "model_context_window_exceeded":
      return "length";
    case "tool_use":
      return "tool-calls";
    case "refusal":
      return "content-filter";
    default:
      return "other";
  }
}

async function* streamAnthropic(request: ChatRequest, signal: AbortSignal): AsyncGenerator<StreamPart> {
  const settings = settingsNow();
  if (!settings.configured) {
    yield notConfiguredPart(settings, request.model);
    return;
  }
  if (signal.aborted) return;
  const ctx = failureContext(settings, request.model);

  let answerStarted = false;
  let finishReason: FinishReason | undefined;
  let stopped = false;
  const usage = { inputTokens: 0, outputTokens: 0 };
  try {
    const stream = await client(settings).messages.create(
      {
        model: request.model,
        max_tokens: request.maxTokens ?? DEFAULT_MAX_TOKENS,
        messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
        stream: true,
        ...(request.system ? { system: request.system } : {}),
        // Anthropic accepts 0–1; our agents allow up to 2 (OpenAI's range).
        ...(request.temperature !== undefined ? { temperature: Math.min(request.temperature, 1) } : {}),
      },
      { signal },
    );
    answerStarted = true;
    for await (const event of stream) {
      switch (event.type) {
        case "message_start":
          usage.inputTokens = event.message.usage.input_tokens ?? 0;
          usage.outputTokens = event.message.usage.output_tokens ?? 0;
          break;
        case "content_block_delta":
          if (event.delta.type === "text_delta" && event.delta.text) yield { type: "text-delta", text: event.delta.text };
          else if (event.delta.type === "thinking_delta" && event.delta.thinking) {
            yield { type: "reasoning-delta", text: event.delta.thinking };
          }
          break;
        case "message_delta":
          if (event.delta.stop_reason) finishReason = finishReasonOf(event.delta.stop_reason);
          usage.outputTokens = event.usage.output_tokens ?? usage.outputTokens;
          if (event.usage.input_tokens) usage.inputTokens = event.usage.input_tokens;
          break;
        case "message_stop":
          stopped = true;
          break;
      }
    }
  } catch (err) {
    if (signal.aborted || err instanceof APIUserAbortError) return;
    yield failureFrom(ctx, err, answerStarted);
    return;
  }
  if (signal.aborted) return;
  if (!stopped) {
    yield cutPart(ctx);
    return;
  }
  yield { type: "finish", finishReason: finishReason ?? "other", usage };
}

async function fetchModels(signal?: AbortSignal): Promise<ModelListing> {
  const settings = settingsNow();
  if (!settings.configured) return { ok: false, failure: notConfiguredPart(settings, "") };
  const ctx = failureContext(settings, "");
  try {
    const models: ModelInfo[] = [];
    for await (const model of client(settings).models.list({ limit: 100 }, { signal })) models.push({ id: model.id });
    return { ok: true, models: sortedModels(models) };
  } catch (err) {
    if (signal?.aborted) return listingTimedOut(ctx);
    const status = err instanceof APIError ? err.status : undefined;
    return { ok: false, failure: failureFrom(ctx, err, false), ...(status !== undefined ? { status } : {}) };
  }
}

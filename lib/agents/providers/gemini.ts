// Google Gemini through @google/generative-ai: roles mapped (assistant -> model), the system
// prompt sent as systemInstruction, GEMINI_BASE_URL as requestOptions.baseUrl, thought parts
// as reasoning. The SDK has no retries of its own and no model list; the list is one GET.
import {
  GoogleGenerativeAI,
  GoogleGenerativeAIFetchError,
  type Content,
  type GenerateContentResponse,
  type GenerationConfig,
} from "@google/generative-ai";
import { providerSettings } from "@/lib/agents/config";
import {
  cutPart,
  errorPart,
  failureContext,
  httpFailurePart,
  malformedChunkPart,
  notConfiguredPart,
  retryAfterMsFromHeaders,
  streamErrorPart,
  unreachablePart,
  type ErrorPart,
  type FailureContext,
} from "@/lib/agents/errors";
import { healthFromListing, listingTimedOut, modelsOrThrow, sortedModels, type ModelListing } from "@/lib/agents/listing";
import type { ChatRequest, FinishReason, Provider, StreamPart } from "@/lib/agents/types";

const API_VERSION = "v1beta";

export function createGeminiProvider(): Provider {
  return {
    id: "gemini",
    stream: (request, signal) => streamGemini(request, signal),
    listModels: async (signal) => modelsOrThrow(await fetchModels(signal)),
    checkHealth: (signal) => healthFromListing(() => fetchModels(signal)),
  };
}

const settingsNow = () => providerSettings({ provider: "gemini" });

/** Models that stream their thoughts when asked; older ones reject thinkingConfig. */
function supportsThoughts(model: string): boolean {
  return /gemini-(2\.5|[3-9])|thinking/i.test(model);
}

interface GeminiErrorDetail {
  "@type"?: string;
  reason?: string;
  retryDelay?: string;
}

/** RetryInfo's "30s" (Gemini puts the retry delay in the error details, not a header). */
function retryDelayMs(details: GeminiErrorDetail[] | undefined): number | undefined {
  const delay = details?.find((d) => typeof d.retryDelay === "string")?.retryDelay;
  const seconds = delay ? Number.parseFloat(delay) : Number.NaN;
  return Number.isFinite(seconds) ? seconds * 1000 : undefined;
}

/**
 * The vendor's words without what the SDK wraps around them: its "[GoogleGenerativeAI Error]:
 * Error fetching from <url>: [status]" prefix and the error details it appends as JSON.
 */
function vendorText(err: GoogleGenerativeAIFetchError): string {
  const details = err.errorDetails ? ` ${JSON.stringify(err.errorDetails)}` : "";
  return err.message
    .replace(/^\[GoogleGenerativeAI Error\]:\s*/, "")
    .replace(/^Error fetching from \S+:\s*(\[[^\]]*\]\s*)?/, "")
    .replace(details, "");
}

function failureFrom(ctx: FailureContext, err: unknown, answerStarted: boolean): ErrorPart {
  if (err instanceof GoogleGenerativeAIFetchError && err.status !== undefined) {
    const details = err.errorDetails as GeminiErrorDetail[] | undefined;
    return httpFailurePart(ctx, {
      status: err.status,
      vendorMessage: vendorText(err),
      retryAfterMs: retryDelayMs(details),
      authRejected: details?.some((d) => d.reason === "API_KEY_INVALID") ?? false,
    });
  }
  const message = err instanceof Error ? err.message : "";
  // The SDK reports parse failures and broken streams only in its message text.
  if (/Error parsing JSON response|Failed to parse stream/.test(message)) return malformedChunkPart(ctx);
  if (answerStarted) return cutPart(ctx);
  return unreachablePart(ctx, err);
}

function finishReasonOf(reason: string | undefined): FinishReason {
  switch (reason) {
    case "STOP":
      return "stop";
    case "MAX_TOKENS":
      return "length";
    case "SAFETY":
    case "RECITATION":
    case "BLOCKLIST":
    case "PROHIBITED_CONTENT":
    case "SPII":
      return "content-filter";
    default:
      return "other";
  }
}

function toContents(request: ChatRequest): Content[] {
  return request.messages.map((m) => ({ role: m.role === "assistant" ? "model" : "user", parts: [{ text: m.content }] }));
}

async function* streamGemini(request: ChatRequest, signal: AbortSignal): AsyncGenerator<StreamPart> {
  const settings = settingsNow();
  if (!settings.configured || !settings.apiKey) {
    yield notConfiguredPart(settings, request.model);
    return;
  }
  if (signal.aborted) return;
  const ctx = failureContext(settings, request.model);
  const generationConfig: GenerationConfig & { thinkingConfig?: { includeThoughts: boolean } } = {
    ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
    ...(request.maxTokens !== undefined ? { maxOutputTokens: request.maxTokens } : {}),
    ...(supportsThoughts(request.model) ? { thinkingConfig: { includeThoughts: true } } : {}),
  };
  const model = new GoogleGenerativeAI(settings.apiKey).getGenerativeModel(
    {
      model: request.model,
      generationConfig,
      ...(request.system ? { systemInstruction: request.system } : {}),
    },
    { baseUrl: settings.baseUrl.replace(/\/+$/, ""), apiVersion: API_VERSION },
  );

  let answerStarted = false;
  let finishReason: FinishReason | undefined;
  let usage = { inputTokens: 0, outputTokens: 0 };
  try {
    const result = await model.generateContentStream({ contents: toContents(request) }, { signal });
    // The SDK also aggregates the stream into `response`; we never read it, so its failure
    // must not surface as an unhandled rejection.
    result.response.catch(() => {});
    answerStarted = true;
    for await (const chunk of result.stream as AsyncIterable<GenerateContentResponse & { error?: { message?: string; status?: string } }>) {
      if (chunk.error) {
        yield streamErrorPart(ctx, chunk.error.message, chunk.error.status);
        return;
      }
      if (chunk.usageMetadata) {
        const meta = chunk.usageMetadata as { promptTokenCount?: number; candidatesTokenCount?: number; thoughtsTokenCount?: number };
        usage = {
          inputTokens: meta.promptTokenCount ?? 0,
          outputTokens: (meta.candidatesTokenCount ?? 0) + (meta.thoughtsTokenCount ?? 0),
        };
      }
      const candidate = chunk.candidates?.[0];
      for (const part of (candidate?.content?.parts ?? []) as { text?: string; thought?: boolean }[]) {
        if (!part.text) continue;
        yield part.thought ? { type: "reasoning-delta", text: part.text } : { type: "text-delta", text: part.text };
      }
      if (candidate?.finishReason) finishReason = finishReasonOf(candidate.finishReason);
      else if (chunk.promptFeedback?.blockReason) finishReason = "content-filter";
    }
  } catch (err) {
    if (signal.aborted) return;
    yield failureFrom(ctx, err, answerStarted);
    return;
  }
  if (signal.aborted) return;
  if (!finishReason) {
    yield cutPart(ctx);
    return;
  }
  yield { type: "finish", finishReason, usage };
}

interface GeminiModel {
  name: string;
  inputTokenLimit?: number;
  supportedGenerationMethods?: string[];
}

async function fetchModels(signal?: AbortSignal): Promise<ModelListing> {
  const settings = settingsNow();
  if (!settings.configured || !settings.apiKey) return { ok: false, failure: notConfiguredPart(settings, "") };
  const ctx = failureContext(settings, "");
  const models: GeminiModel[] = [];
  let pageToken: string | undefined;
  try {
    do {
      const url = new URL(`${settings.baseUrl.replace(/\/+$/, "")}/${API_VERSION}/models`);
      url.searchParams.set("pageSize", "1000");
      if (pageToken) url.searchParams.set("pageToken", pageToken);
      // The key goes in the header the SDK uses too, never in the URL.
      const response = await fetch(url, { headers: { "x-goog-api-key": settings.apiKey }, signal });
      if (!response.ok) {
        const body = (await response.json().catch(() => undefined)) as
          | { error?: { message?: string; details?: GeminiErrorDetail[] } }
          | undefined;
        const details = body?.error?.details;
        return {
          ok: false,
          status: response.status,
          failure: httpFailurePart(ctx, {
            status: response.status,
            vendorMessage: body?.error?.message,
            retryAfterMs: retryDelayMs(details) ?? retryAfterMsFromHeaders(response.headers),
            authRejected: details?.some((d) => d.reason === "API_KEY_INVALID") ?? false,
          }),
        };
      }
      const page = (await response.json()) as { models?: GeminiModel[]; nextPageToken?: string };
      models.push(...(page.models ?? []));
      pageToken = page.nextPageToken || undefined;
    } while (pageToken);
  } catch (err) {
    if (signal?.aborted) return listingTimedOut(ctx);
    if (err instanceof SyntaxError) return { ok: false, failure: errorPart(ctx, "provider_error", "the model list is not valid JSON.", false) };
    return { ok: false, failure: unreachablePart(ctx, err) };
  }
  return {
    ok: true,
    models: sortedModels(
      models
        .filter((m) => m.supportedGenerationMethods?.includes("generateContent") ?? true)
        .map((m) => ({ id: m.name.replace(/^models\//, ""), ...(m.inputTokenLimit ? { contextWindow: m.inputTokenLimit } : {}) })),
    ),
  };
}

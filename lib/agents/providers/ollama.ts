// Ollama through the `ollama` SDK (OLLAMA_HOST): NDJSON /api/chat, `thinking` as reasoning,
// eval counts as usage. The SDK takes no AbortSignal and skips lines it cannot parse, so each
// call gets a `fetch` (the SDK's documented option) that carries our signal and turns a
// malformed line into a stream error instead of a silent gap.
import { Ollama, type Message } from "ollama";
import { providerSettings, type ProviderSettings } from "@/lib/agents/config";
import {
  cutPart,
  failureContext,
  httpFailurePart,
  malformedChunkPart,
  notConfiguredPart,
  streamErrorPart,
  unreachablePart,
  type ErrorPart,
  type FailureContext,
} from "@/lib/agents/errors";
import { healthFromListing, listingTimedOut, modelsOrThrow, sortedModels, type ModelListing } from "@/lib/agents/listing";
import type { ChatRequest, FinishReason, Provider, StreamPart } from "@/lib/agents/types";

export function createOllamaProvider(): Provider {
  return {
    id: "ollama",
    stream: (request, signal) => streamOllama(request, signal),
    listModels: async (signal) => modelsOrThrow(await fetchModels(signal)),
    checkHealth: (signal) => healthFromListing(() => fetchModels(signal)),
  };
}

const settingsNow = () => providerSettings({ provider: "ollama" });

class MalformedLineError extends Error {
  constructor() {
    super("malformed NDJSON line");
    this.name = "MalformedLineError";
  }
}

/** An `{"error": "..."}` line in the middle of an answer. */
class VendorStreamError extends Error {
  constructor(readonly vendorMessage: string) {
    super(vendorMessage);
    this.name = "VendorStreamError";
  }
}

class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    readonly vendorMessage: string | undefined,
    readonly retryAfter: string | null,
  ) {
    super(`HTTP ${status}`);
    this.name = "HttpStatusError";
  }
}

/**
 * Passes NDJSON through unchanged but fails the stream at the first line that is not JSON
 * or that carries the vendor's `error`, so neither is mistaken for a cut connection.
 */
function ndjsonGuard(): TransformStream<Uint8Array, Uint8Array> {
  const decoder = new TextDecoder();
  let pending = "";
  const check = (line: string) => {
    if (line.trim() === "") return;
    let parsed: { error?: unknown };
    try {
      parsed = JSON.parse(line) as { error?: unknown };
    } catch {
      throw new MalformedLineError();
    }
    if (typeof parsed?.error === "string") throw new VendorStreamError(parsed.error);
  };
  return new TransformStream({
    transform(chunk, controller) {
      pending += decoder.decode(chunk, { stream: true });
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      try {
        lines.forEach(check);
      } catch (err) {
        controller.error(err);
        return;
      }
      controller.enqueue(chunk);
    },
    flush(controller) {
      try {
        check(pending + decoder.decode());
      } catch (err) {
        controller.error(err);
      }
    },
  });
}

/**
 * The fetch handed to the SDK: our signal on every request, error statuses kept with their
 * Retry-After (the SDK drops headers), and a guarded body for streamed answers.
 */
function fetchFor(signal: AbortSignal | undefined): typeof fetch {
  return async (input, init) => {
    const signals = [init?.signal, signal].filter((s): s is AbortSignal => !!s);
    const response = await fetch(input, { ...init, signal: signals.length ? AbortSignal.any(signals) : undefined });
    if (!response.ok) {
      const body = (await response.json().catch(() => undefined)) as { error?: unknown } | undefined;
      throw new HttpStatusError(
        response.status,
        typeof body?.error === "string" ? body.error : undefined,
        response.headers.get("retry-after"),
      );
    }
    const streamed = (response.headers.get("content-type") ?? "").includes("ndjson");
    if (!streamed || !response.body) return response;
    return new Response(response.body.pipeThrough(ndjsonGuard()), {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}

function client(settings: ProviderSettings, signal: AbortSignal | undefined): Ollama {
  return new Ollama({ host: settings.baseUrl, fetch: fetchFor(signal) });
}

function failureFrom(ctx: FailureContext, err: unknown, answerStarted: boolean): ErrorPart {
  if (err instanceof HttpStatusError) {
    const seconds = Number.parseFloat(err.retryAfter ?? "");
    return httpFailurePart(ctx, {
      status: err.status,
      vendorMessage: err.vendorMessage,
      ...(Number.isFinite(seconds) ? { retryAfterMs: seconds * 1000 } : {}),
    });
  }
  if (err instanceof MalformedLineError || err instanceof SyntaxError) return malformedChunkPart(ctx);
  if (err instanceof VendorStreamError) return streamErrorPart(ctx, err.vendorMessage);
  return answerStarted ? cutPart(ctx) : unreachablePart(ctx, err);
}

function finishReasonOf(reason: string | undefined): FinishReason {
  if (reason === "stop") return "stop";
  if (reason === "length") return "length";
  return "other";
}

async function* streamOllama(request: ChatRequest, signal: AbortSignal): AsyncGenerator<StreamPart> {
  const settings = settingsNow();
  if (!settings.configured) {
    yield notConfiguredPart(settings, request.model);
    return;
  }
  if (signal.aborted) return;
  const ctx = failureContext(settings, request.model);
  const messages: Message[] = [
    ...(request.system ? [{ role: "system", content: request.system }] : []),
    ...request.messages.map((m) => ({ role: m.role, content: m.content })),
  ];
  const options = {
    ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
    ...(request.maxTokens !== undefined ? { num_predict: request.maxTokens } : {}),
  };

  let answerStarted = false;
  try {
    const stream = await client(settings, signal).chat({ model: request.model, messages, options, stream: true });
    answerStarted = true;
    for await (const chunk of stream) {
      if (chunk.message?.thinking) yield { type: "reasoning-delta", text: chunk.message.thinking };
      if (chunk.message?.content) yield { type: "text-delta", text: chunk.message.content };
      if (chunk.done) {
        yield {
          type: "finish",
          finishReason: finishReasonOf(chunk.done_reason),
          usage: { inputTokens: chunk.prompt_eval_count ?? 0, outputTokens: chunk.eval_count ?? 0 },
        };
        return;
      }
    }
  } catch (err) {
    if (signal.aborted) return;
    yield failureFrom(ctx, err, answerStarted);
    return;
  }
  if (!signal.aborted) yield cutPart(ctx);
}

async function fetchModels(signal?: AbortSignal): Promise<ModelListing> {
  const settings = settingsNow();
  if (!settings.configured) return { ok: false, failure: notConfiguredPart(settings, "") };
  const ctx = failureContext(settings, "");
  try {
    const { models } = await client(settings, signal).list();
    return { ok: true, models: sortedModels(models.map((m) => ({ id: m.name, sizeBytes: m.size }))) };
  } catch (err) {
    if (signal?.aborted) return listingTimedOut(ctx);
    const status = err instanceof HttpStatusError ? err.status : undefined;
    return { ok: false, failure: failureFrom(ctx, err, false), ...(status !== undefined ? { status } : {}) };
  }
}

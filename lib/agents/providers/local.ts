// The embedded model: a GGUF file run inside this process by node-llama-cpp on the CPU, so
// a fresh install can chat with no key, no separate server and no network. Every file is
// checked (lib/agents/local/model-check.ts) before llama.cpp sees it, because a malformed
// model can abort the whole process inside the native loader.
//
// Failures, as API.md codes:
// - no model file, an unknown file name, or a file that fails the check:
//   `provider_not_configured` (503). The operator has to put a usable model in place, just
//   as a missing key is fixed in the environment; a fallback provider may answer meanwhile.
// - llama.cpp refusing a file that passed the check (out of memory, an architecture this
//   build does not know) or failing mid-answer: `provider_error` (502). Not retryable:
//   the same file on the same machine fails the same way.
import type { ChatHistoryItem, LlamaChat, LlamaChatResponseChunk } from "node-llama-cpp";
import { checkModelFile, type LocalModelSummary } from "@/lib/agents/local/model-check";
import { GgufFormatError } from "@/lib/agents/local/gguf";
import {
  LocalModelMissingError,
  MODEL_PULL_COMMAND,
  findDefaultModel,
  listModelFiles,
  resolveLocation,
  resolveModelFile,
  type LocalModelFile,
  type LocalModelLocation,
} from "@/lib/agents/local/model-files";
import { LocalModelRegistry, type LocalRuntimeOptions, type SequenceLease } from "@/lib/agents/local/model-registry";
import { fitThreadCount } from "@/lib/agents/local/threads";
import type { ChatRequest, FinishReason, ModelInfo, Provider, ProviderErrorCode, StreamPart } from "@/lib/agents/types";
import { getEnv } from "@/lib/env";
import { logger } from "@/lib/logger";

/** Answers longer than this need the agent's own maxTokens. */
const DEFAULT_MAX_TOKENS = 1024;
/** Small CPU models rarely gain from more, and each sequence's KV cache grows with it. */
const MAX_CONTEXT_SIZE = 4096;
/** Invocations generating at once per model; more wait in line. */
const SEQUENCES = 2;

export interface LocalProviderOptions {
  /** Default: LOCAL_MODELS_DIR. */
  modelsDir?: string;
  /** Default: LOCAL_MODEL_PATH. */
  defaultModelPath?: string;
  /** Tests pass their own; by default one registry is shared by the whole process. */
  registry?: LocalModelRegistry;
}

type ErrorPart = Extract<StreamPart, { type: "error" }>;

function errorPart(code: ProviderErrorCode, message: string): ErrorPart {
  return { type: "error", code, message, retryable: false };
}

const shared = globalThis as typeof globalThis & { __agentNexusLocalRegistry?: LocalModelRegistry };

/** One registry per process, whichever module graph (server.ts or a route handler) asks first. */
function sharedRegistry(options: LocalRuntimeOptions): LocalModelRegistry {
  return (shared.__agentNexusLocalRegistry ??= new LocalModelRegistry(options));
}

/** Checked headers, by file version: the check reads the header once per file change. */
const summaries = new Map<string, Promise<LocalModelSummary>>();
function checkCached(file: LocalModelFile): Promise<LocalModelSummary> {
  const key = `${file.path}\0${file.sizeBytes}\0${file.modifiedMs}`;
  let summary = summaries.get(key);
  if (!summary) {
    summary = checkModelFile(file.path);
    summaries.set(key, summary);
    summary.catch(() => summaries.delete(key));
  }
  return summary;
}

function unusableFileMessage(file: LocalModelFile, reason: string): string {
  return `Local model ${file.name} cannot be used: ${reason}. Replace the file (\`${MODEL_PULL_COMMAND}\` downloads a known-good model).`;
}

function describeFailure(file: LocalModelFile, error: unknown): ErrorPart {
  if (error instanceof GgufFormatError) return errorPart("provider_not_configured", unusableFileMessage(file, error.message));
  if (error instanceof LocalModelMissingError) return errorPart("provider_not_configured", error.message);
  const reason = error instanceof Error ? error.message : String(error);
  return errorPart("provider_error", `Local model ${file.name} failed to load: ${reason}. See the server log.`);
}

function toHistory(request: ChatRequest): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = [];
  if (request.system) history.push({ type: "system", text: request.system });
  for (const message of request.messages) {
    history.push(message.role === "user" ? { type: "user", text: message.content } : { type: "model", response: [message.content] });
  }
  // The empty model turn is the one the library completes.
  history.push({ type: "model", response: [] });
  return history;
}

function finishReasonOf(stopReason: string): FinishReason {
  if (stopReason === "maxTokens") return "length";
  if (stopReason === "functionCalls") return "tool-calls";
  return "stop";
}

/** Parts produced by library callbacks, handed to the async generator as they come. */
class PartChannel {
  private readonly parts: StreamPart[] = [];
  private wake?: () => void;
  private closed = false;

  push(part: StreamPart): void {
    this.parts.push(part);
    this.wake?.();
  }

  close(): void {
    this.closed = true;
    this.wake?.();
  }

  async *drain(): AsyncGenerator<StreamPart> {
    for (;;) {
      const part = this.parts.shift();
      if (part) {
        yield part;
        continue;
      }
      if (this.closed) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
  }
}

export function createLocalProvider(options: LocalProviderOptions = {}): Provider {
  const settings = () => {
    const env = getEnv();
    const location = resolveLocation({
      modelsDir: options.modelsDir ?? env.LOCAL_MODELS_DIR,
      defaultModelPath: "defaultModelPath" in options ? options.defaultModelPath : env.LOCAL_MODEL_PATH,
    });
    const registry =
      options.registry ??
      sharedRegistry({
        threads: fitThreadCount({ configured: env.LOCAL_THREADS }),
        sequences: SEQUENCES,
        maxContextSize: MAX_CONTEXT_SIZE,
      });
    return { location, registry, runtime: registry.options };
  };

  return {
    id: "local",
    stream: (request, signal) => {
      const { location, registry } = settings();
      return streamLocal(request, signal, location, registry);
    },
    listModels: async () => {
      const { location, runtime } = settings();
      const files = await listModelFiles(location);
      return Promise.all(files.map((file) => modelInfo(file, runtime)));
    },
    checkHealth: async () => {
      const { location, runtime } = settings();
      const started = performance.now();
      const latency = () => Math.round(performance.now() - started);
      let file: LocalModelFile;
      try {
        file = await findDefaultModel(location);
      } catch (error) {
        return { reachable: false, latencyMs: latency(), error: error instanceof Error ? error.message : String(error) };
      }
      try {
        await checkCached(file);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        return { reachable: false, latencyMs: latency(), error: unusableFileMessage(file, reason), defaultModel: { id: file.name, sizeBytes: file.sizeBytes } };
      }
      return { reachable: true, latencyMs: latency(), defaultModel: await modelInfo(file, runtime) };
    },
  };
}

async function modelInfo(file: LocalModelFile, runtime: LocalRuntimeOptions): Promise<ModelInfo> {
  const summary = await checkCached(file).catch(() => undefined);
  return {
    id: file.name,
    sizeBytes: file.sizeBytes,
    ...(summary ? { contextWindow: Math.min(summary.contextLength, runtime.maxContextSize) } : {}),
  };
}

async function* streamLocal(
  request: ChatRequest,
  outer: AbortSignal,
  location: LocalModelLocation,
  registry: LocalModelRegistry,
): AsyncGenerator<StreamPart> {
  if (outer.aborted) return;
  let file: LocalModelFile;
  let summary: LocalModelSummary;
  try {
    file = await resolveModelFile(location, request.model);
  } catch (error) {
    yield errorPart("provider_not_configured", error instanceof Error ? error.message : String(error));
    return;
  }
  try {
    summary = await checkCached(file);
  } catch (error) {
    if (!(error instanceof GgufFormatError)) logger.warn(`local: could not read ${file.path}`, error);
    yield describeFailure(file, error);
    return;
  }

  // Our own controller: an abort by the caller, or a consumer that stops reading, both end
  // the generation within one token.
  const controller = new AbortController();
  const forwardAbort = () => controller.abort(outer.reason);
  outer.addEventListener("abort", forwardAbort, { once: true });

  let lease: SequenceLease;
  try {
    lease = await registry.lease(file, summary, controller.signal);
  } catch (error) {
    outer.removeEventListener("abort", forwardAbort);
    if (controller.signal.aborted) return;
    logger.error(`local: loading ${file.path} failed`, error);
    yield describeFailure(file, error);
    return;
  }

  const channel = new PartChannel();
  let chat: LlamaChat | undefined;
  let generation: Promise<void> | undefined;
  try {
    const { LlamaChat: Chat } = await import("node-llama-cpp");
    chat = new Chat({ contextSequence: lease.sequence, chatWrapper: lease.chatWrapper });
    const sequence = lease.sequence;
    const meterBefore = sequence.tokenMeter.getState();
    let generated = 0;
    const onResponseChunk = (chunk: LlamaChatResponseChunk) => {
      generated += chunk.tokens.length;
      if (!chunk.text) return;
      if (chunk.type === undefined) channel.push({ type: "text-delta", text: chunk.text });
      else if (chunk.segmentType === "thought") channel.push({ type: "reasoning-delta", text: chunk.text });
    };
    generation = chat
      .generateResponse(toHistory(request), {
        signal: controller.signal,
        stopOnAbortSignal: true,
        maxTokens: request.maxTokens ?? DEFAULT_MAX_TOKENS,
        ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
        onResponseChunk,
      })
      .then(
        (result) => {
          if (result.metadata.stopReason === "abort" || controller.signal.aborted) return;
          const outputTokens = sequence.tokenMeter.diff(meterBefore).usedOutputTokens || generated;
          // The sequence now holds the prompt (as the model saw it, cached prefix included)
          // followed by the answer.
          const inputTokens = Math.max(0, sequence.contextTokens.length - outputTokens);
          channel.push({ type: "finish", finishReason: finishReasonOf(result.metadata.stopReason), usage: { inputTokens, outputTokens } });
        },
        (error: unknown) => {
          if (controller.signal.aborted) return;
          logger.error(`local: generation with ${file.name} failed`, error);
          const reason = error instanceof Error ? error.message : String(error);
          channel.push(errorPart("provider_error", `Local model ${file.name} failed while answering: ${reason}.`));
        },
      )
      .finally(() => channel.close());
    yield* channel.drain();
  } finally {
    outer.removeEventListener("abort", forwardAbort);
    controller.abort();
    // The sequence goes back only once the library has stopped using it.
    await generation;
    chat?.dispose({ disposeSequence: false });
    lease.release();
  }
}

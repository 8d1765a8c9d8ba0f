// Loads local models once and lends out their context sequences. One model is resident at
// a time: asking for another file (or a changed one) retires the old model, which is freed
// when its last running invocation ends. Each model gets one context with a fixed number
// of sequences; an invocation holds one sequence while it runs, later ones wait in line.
// node-llama-cpp is imported on first use, so a server that never runs a local agent
// never loads the native library.
import type { ChatWrapper, Llama, LlamaContext, LlamaContextSequence, LlamaLogLevel, LlamaModel } from "node-llama-cpp";
import type { LocalModelFile } from "@/lib/agents/local/model-files";
import type { LocalModelSummary } from "@/lib/agents/local/model-check";
import { logger } from "@/lib/logger";

export interface LocalRuntimeOptions {
  /** CPU threads for evaluation (see threads.ts). */
  threads: number;
  /** Invocations that can generate at the same time per model. */
  sequences: number;
  /** Upper bound on the context window, in tokens; the model's own window caps it too. */
  maxContextSize: number;
}

export interface SequenceLease {
  sequence: LlamaContextSequence;
  model: LlamaModel;
  /** The model's prompt format, resolved once at load (resolving it costs 0.5-1 s). */
  chatWrapper: ChatWrapper;
  contextSize: number;
  release(): void;
}

interface Waiter {
  resolve(sequence: LlamaContextSequence): void;
  reject(error: unknown): void;
}

class ResidentModel {
  private readonly free: LlamaContextSequence[];
  private readonly waiters: Waiter[] = [];
  private leased = 0;
  private retired = false;

  constructor(
    readonly key: string,
    readonly model: LlamaModel,
    readonly context: LlamaContext,
    readonly chatWrapper: ChatWrapper,
    sequences: LlamaContextSequence[],
  ) {
    this.free = sequences;
  }

  get busy(): boolean {
    return this.leased > 0 || this.waiters.length > 0;
  }

  /** The next free sequence, or a place in line until one is returned. */
  take(signal: AbortSignal): Promise<LlamaContextSequence> {
    const sequence = this.free.shift();
    if (sequence) {
      this.leased++;
      return Promise.resolve(sequence);
    }
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
        reject(signal.reason);
        this.disposeIfIdle();
      };
      const waiter: Waiter = {
        resolve: (s) => {
          signal.removeEventListener("abort", onAbort);
          this.leased++;
          resolve(s);
        },
        reject,
      };
      this.waiters.push(waiter);
      signal.addEventListener("abort", onAbort, { once: true });
    });
  }

  give(sequence: LlamaContextSequence): void {
    this.leased--;
    const waiter = this.waiters.shift();
    if (waiter) waiter.resolve(sequence);
    else {
      this.free.push(sequence);
      this.disposeIfIdle();
    }
  }

  retire(): void {
    this.retired = true;
    this.disposeIfIdle();
  }

  private disposeIfIdle(): void {
    if (!this.retired || this.busy || this.model.disposed) return;
    void this.context
      .dispose()
      .then(() => this.model.dispose())
      .catch((error: unknown) => logger.warn("local: disposing a retired model failed", error));
  }
}

type LoggerLevel = "error" | "warn" | "debug";
const LOG_LEVELS: Record<string, LoggerLevel> = { fatal: "error", error: "error", warn: "warn" };

interface SharedLlama {
  llama?: Promise<Llama>;
}
const shared = globalThis as typeof globalThis & { __agentNexusLlama?: SharedLlama };

/**
 * The one llama.cpp runtime of this process, shared by every registry and module graph
 * (Next loads route handlers separately from server.ts). Never builds from source: the
 * prebuilt binary from npm is used, or loading fails with a message.
 */
export function getLlamaRuntime(threads: number): Promise<Llama> {
  const slot = (shared.__agentNexusLlama ??= {});
  slot.llama ??= import("node-llama-cpp")
    .then(({ getLlama, LlamaLogLevel: levels }) =>
      getLlama({
        build: "never",
        skipDownload: true,
        progressLogs: false,
        maxThreads: threads,
        logLevel: levels.warn,
        logger: (level: LlamaLogLevel, message: string) => {
          const text = message.trim();
          if (text) logger[LOG_LEVELS[level] ?? "debug"](`llama.cpp: ${text}`);
        },
      }),
    )
    .catch((error: unknown) => {
      slot.llama = undefined;
      throw error;
    });
  return slot.llama.then((llama) => {
    if (llama.maxThreads !== threads) llama.maxThreads = threads;
    return llama;
  });
}

/** Cache key: a replaced file (new size or mtime) is a different model. */
function modelKey(file: LocalModelFile): string {
  return `${file.path}\0${file.sizeBytes}\0${file.modifiedMs}`;
}

export class LocalModelRegistry {
  private readonly resident = new Map<string, Promise<ResidentModel>>();

  constructor(readonly options: LocalRuntimeOptions) {}

  /** A sequence of `file`'s model, loading the model first if needed. Release it when done. */
  async lease(file: LocalModelFile, summary: LocalModelSummary, signal: AbortSignal): Promise<SequenceLease> {
    const key = modelKey(file);
    let entry = this.resident.get(key);
    if (!entry) {
      for (const [otherKey, other] of this.resident) {
        this.resident.delete(otherKey);
        void other.then((m) => m.retire(), () => undefined);
      }
      const loading = this.load(key, file, summary);
      this.resident.set(key, loading);
      // A failed load is not cached: the operator may fix the file and try again.
      loading.catch(() => {
        if (this.resident.get(key) === loading) this.resident.delete(key);
      });
      entry = loading;
    }
    const resident = await entry;
    signal.throwIfAborted();
    const sequence = await resident.take(signal);
    let released = false;
    return {
      sequence,
      model: resident.model,
      chatWrapper: resident.chatWrapper,
      contextSize: resident.context.contextSize,
      release: () => {
        if (released) return;
        released = true;
        resident.give(sequence);
      },
    };
  }

  private async load(key: string, file: LocalModelFile, summary: LocalModelSummary): Promise<ResidentModel> {
    const llama = await getLlamaRuntime(this.options.threads);
    const { resolveChatWrapper } = await import("node-llama-cpp");
    const startedAt = performance.now();
    const model = await llama.loadModel({ modelPath: file.path });
    try {
      const context = await model.createContext({
        contextSize: Math.min(summary.contextLength, this.options.maxContextSize),
        sequences: this.options.sequences,
        threads: this.options.threads,
      });
      const sequences = Array.from({ length: this.options.sequences }, () => context.getSequence());
      const chatWrapper = resolveChatWrapper(model);
      logger.info(
        `local: loaded ${file.name} (${(file.sizeBytes / 2 ** 20).toFixed(1)} MB) in ${Math.round(performance.now() - startedAt)} ms; ` +
          `context ${context.contextSize} tokens x ${this.options.sequences} sequences, ${this.options.threads} threads, ` +
          `prompt format ${chatWrapper.wrapperName}`,
      );
      return new ResidentModel(key, model, context, chatWrapper, sequences);
    } catch (error) {
      await model.dispose();
      throw error;
    }
  }
}

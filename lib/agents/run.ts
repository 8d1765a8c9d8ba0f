// Runs one agent turn against its provider, with what every provider needs the same way:
// a first-token timeout and an idle timeout (both abort the vendor request), retries of
// retryable failures before the first part (bounded, with backoff honouring Retry-After),
// then the agent's fallbacks in order. Once a part has been yielded nothing is retried: a
// later failure is the final `error` part. A `route` part says which provider and model
// answered. Provider failures never throw; a caller's abort ends the stream quietly.
import { providerSettings, runSettings } from "@/lib/agents/config";
import { errorPart, failureContext, redactSecrets, timeoutPart, type ErrorPart, type FailureContext } from "@/lib/agents/errors";
import { getProvider } from "@/lib/agents/factory";
import type { ChatRequest, Provider, ProviderId, ProviderTarget, StreamPart } from "@/lib/agents/types";
import { logger } from "@/lib/logger";

export type RoutePart = { type: "route"; provider: ProviderId; model: string; endpoint?: string };
export type RunPart = StreamPart | RoutePart;

export interface AgentRoute {
  provider: ProviderId;
  model: string;
  endpoint?: string | null;
  fallbacks?: ProviderTarget[] | null;
}

export interface StreamAgentOptions {
  /** Default: PROVIDER_FIRST_TOKEN_TIMEOUT_MS. */
  firstTokenTimeoutMs?: number;
  /** Default: PROVIDER_IDLE_TIMEOUT_MS. */
  idleTimeoutMs?: number;
  /** Retries per provider/model before moving on. Default: PROVIDER_MAX_RETRIES. */
  maxRetries?: number;
  /** First backoff delay, doubled per retry (with jitter). Default 500 ms. */
  backoffBaseMs?: number;
  maxBackoffMs?: number;
  /** A Retry-After longer than this is not waited out; the next fallback is tried instead. Default 30 s. */
  maxRetryAfterMs?: number;
  /** Where providers come from; tests may pass their own. */
  getProvider?: (target: ProviderTarget) => Provider;
}

type Policy = Required<Omit<StreamAgentOptions, "getProvider">> & { getProvider: (target: ProviderTarget) => Provider };

function policyFrom(options: StreamAgentOptions): Policy {
  const needsEnv = options.firstTokenTimeoutMs === undefined || options.idleTimeoutMs === undefined || options.maxRetries === undefined;
  const env = needsEnv ? runSettings() : undefined;
  return {
    firstTokenTimeoutMs: options.firstTokenTimeoutMs ?? env!.firstTokenTimeoutMs,
    idleTimeoutMs: options.idleTimeoutMs ?? env!.idleTimeoutMs,
    maxRetries: options.maxRetries ?? env!.maxRetries,
    backoffBaseMs: options.backoffBaseMs ?? 500,
    maxBackoffMs: options.maxBackoffMs ?? 8000,
    maxRetryAfterMs: options.maxRetryAfterMs ?? 30_000,
    getProvider: options.getProvider ?? getProvider,
  };
}

function describeTarget(target: ProviderTarget): string {
  return `${target.provider}${target.endpoint ? `/${target.endpoint}` : ""} ${target.model || "(default model)"}`;
}

function contextFor(target: ProviderTarget): FailureContext {
  return failureContext(providerSettings(target), target.model);
}

/**
 * The turn's parts: a `route` part and the answer, or the final failure. Nothing is asked of
 * the provider until the first next(). Reads one part at a time, as `for await` does.
 */
export function streamAgent(
  agent: AgentRoute,
  request: Omit<ChatRequest, "model">,
  signal: AbortSignal,
  options: StreamAgentOptions = {},
): AsyncGenerator<RunPart> {
  return new AgentStream(findAnswer(agent, request, signal, options));
}

/**
 * Retries and fallbacks until a provider answers: yields the `route` part and the first part,
 * then returns the attempt that answered for the rest to be read from it directly. When none
 * answers, yields the final failure (or nothing on the caller's abort) and returns undefined.
 */
async function* findAnswer(
  agent: AgentRoute,
  request: Omit<ChatRequest, "model">,
  signal: AbortSignal,
  options: StreamAgentOptions,
): AsyncGenerator<RunPart, Attempt | undefined> {
  const policy = policyFrom(options);
  const primary: ProviderTarget = { provider: agent.provider, model: agent.model, ...(agent.endpoint ? { endpoint: agent.endpoint } : {}) };
  const targets = [primary, ...(agent.fallbacks ?? [])];
  const failures: { target: ProviderTarget; part: ErrorPart }[] = [];

  for (const [index, target] of targets.entries()) {
    const provider = policy.getProvider(target);
    for (let attempt = 0; ; attempt++) {
      if (signal.aborted) return;
      const parts = new Attempt(provider, { ...request, model: target.model }, signal, policy, contextFor(target));
      let committed = false;
      try {
        const first = await parts.read();
        if (signal.aborted) return;
        const firstPart = first.done ? undefined : first.value;
        if (firstPart && firstPart.type !== "error") {
          yield { type: "route", provider: target.provider, model: target.model, ...(target.endpoint ? { endpoint: target.endpoint } : {}) };
          yield firstPart;
          // Committed: from here on every part, including a failure, goes to the caller as is.
          committed = true;
          return parts;
        }
        const failure =
          firstPart ?? errorPart(contextFor(target), "provider_error", "the provider ended the stream without an answer.", true);
        const delay = attempt < policy.maxRetries ? retryDelay(attempt, failure, policy) : undefined;
        if (delay !== undefined) {
          logger.warn(`${failure.message} Retrying (${attempt + 1}/${policy.maxRetries}) in ${Math.round(delay)} ms.`);
          await sleep(delay, signal);
          continue;
        }
        failures.push({ target, part: failure });
        const next = targets[index + 1];
        if (next) logger.warn(`${failure.message} Trying fallback ${describeTarget(next)}.`);
        break;
      } finally {
        // A committed attempt is AgentStream's to close.
        if (!committed) parts.close();
      }
    }
  }
  if (signal.aborted) return;
  yield finalFailure(failures);
}

/**
 * What streamAgent returns: the parts of `findAnswer`, then those of the attempt it returned,
 * read straight from the attempt. Parts stream at token rate and an async-generator layer costs
 * several promises per part, so the answer is not re-yielded through one.
 */
class AgentStream implements AsyncGenerator<RunPart> {
  private answer: Attempt | undefined;

  constructor(private readonly head: AsyncGenerator<RunPart, Attempt | undefined>) {}

  next(): Promise<IteratorResult<RunPart>> {
    return this.answer ? this.answer.read() : this.nextFromHead();
  }

  async return(): Promise<IteratorResult<RunPart>> {
    if (this.answer) this.answer.close();
    else await this.head.return(undefined);
    return DONE;
  }

  /** Ends the stream and rethrows, as a generator without a catch does. */
  async throw(err: unknown): Promise<IteratorResult<RunPart>> {
    await this.return();
    throw err;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.return();
  }

  private async nextFromHead(): Promise<IteratorResult<RunPart>> {
    const step = await this.head.next();
    if (!step.done) return step;
    this.answer = step.value;
    return this.answer ? this.answer.read() : DONE;
  }
}

/** How long to wait before retrying, or undefined when a retry cannot help. */
function retryDelay(attempt: number, failure: ErrorPart, policy: Policy): number | undefined {
  if (!failure.retryable) return undefined;
  if (failure.retryAfterMs !== undefined) {
    return failure.retryAfterMs > policy.maxRetryAfterMs ? undefined : failure.retryAfterMs;
  }
  const backoff = Math.min(policy.maxBackoffMs, policy.backoffBaseMs * 2 ** attempt);
  return backoff * (0.75 + Math.random() * 0.25);
}

/** The primary's failure, naming the fallbacks that failed too. */
function finalFailure(failures: { target: ProviderTarget; part: ErrorPart }[]): ErrorPart {
  const [primary, ...others] = failures;
  if (others.length === 0) return primary.part;
  const also = others.map((f) => `${describeTarget(f.target)}: ${f.part.code}`).join("; ");
  return { ...primary.part, message: `${primary.part.message} Fallbacks failed too (${also}).` };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/**
 * One attempt: the provider's parts under a first-token and an idle timeout. The attempt has
 * its own AbortController (linked to the caller's signal) so a timeout, a caller's abort or an
 * early stop by the consumer closes the vendor connection.
 *
 * Parts stream at token rate, so the per-part path allocates nothing but the promise `read`
 * returns: one timer per phase whose deadline `read` pushes back, and one abort listener for
 * the whole attempt. Whichever comes first of the provider's part, the timer and the caller's
 * abort settles the pending read, so a provider that ignores the abort and never settles its
 * next() cannot hold the caller.
 */
class Attempt {
  private readonly controller = new AbortController();
  private readonly iterator: AsyncIterator<StreamPart>;
  private timer: NodeJS.Timeout | undefined;
  private started = false;
  private ended = false;
  /**
   * Resolves the read in progress; unset while none is. A fresh resolver per read (instead of
   * racing each read against one long-lived "stopped" promise) leaves nothing behind per part.
   */
  private settle: ((result: IteratorResult<StreamPart>) => void) | undefined;

  constructor(
    provider: Provider,
    request: ChatRequest,
    private readonly outer: AbortSignal,
    private readonly policy: Policy,
    private readonly ctx: FailureContext,
  ) {
    this.iterator = provider.stream(request, this.controller.signal)[Symbol.asyncIterator]();
    outer.addEventListener("abort", this.onAbort, { once: true });
    if (outer.aborted) this.onAbort();
  }

  /** The next part; done once the attempt is over (after its last part, or aborted or closed). */
  read(): Promise<IteratorResult<StreamPart>> {
    if (this.ended) return Promise.resolve(DONE);
    return new Promise((resolve) => {
      this.settle = resolve;
      // The limit counts from the request for the part, as the consumer may take its time.
      if (this.timer) this.timer.refresh();
      else this.timer = setTimeout(this.onTimeout, this.started ? this.policy.idleTimeoutMs : this.policy.firstTokenTimeoutMs);
      try {
        this.iterator.next().then(this.onNext, this.onThrow);
      } catch (err) {
        this.onThrow(err);
      }
    });
  }

  /** For a consumer that stops early: ends a read in progress and closes the vendor connection. */
  close(): void {
    if (!this.ended) this.end(DONE);
  }

  private readonly onNext = (result: IteratorResult<StreamPart>) => {
    // Unset when a timeout or an abort has already settled this read.
    if (!this.settle) return;
    if (result.done) return this.end(DONE);
    const part = result.value;
    if (part.type === "finish" || part.type === "error") return this.end(result);
    if (!this.started) {
      this.started = true;
      // From now on the idle limit applies; the next read starts its timer.
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const settle = this.settle;
    this.settle = undefined;
    settle(result);
  };

  private readonly onThrow = (err: unknown) => {
    if (!this.settle) return;
    // Providers report failures as parts; a throw is a bug, but the caller still gets a part.
    logger.error(`${this.ctx.label} (${this.ctx.model}) threw instead of yielding an error part: ${redactSecrets(String(err))}`);
    this.end({ done: false, value: errorPart(this.ctx, "provider_error", "the provider failed unexpectedly; see the server log.", false) });
  };

  private readonly onTimeout = () => {
    // Not waiting on the provider (the consumer is busy with a part): the next read restarts the timer.
    if (!this.settle) return;
    const limit = this.started ? this.policy.idleTimeoutMs : this.policy.firstTokenTimeoutMs;
    this.end({ done: false, value: timeoutPart(this.ctx, this.started ? "idle" : "first-token", limit) });
  };

  private readonly onAbort = () => {
    this.controller.abort(this.outer.reason);
    this.end(DONE);
  };

  /**
   * Settles the read in progress with the attempt's last part (or none) and lets go of the
   * provider, so that an attempt that has ended holds no timer or listener even when its
   * consumer never calls return().
   */
  private end(last: IteratorResult<StreamPart>): void {
    this.ended = true;
    const settle = this.settle;
    this.settle = undefined;
    settle?.(last);
    clearTimeout(this.timer);
    this.outer.removeEventListener("abort", this.onAbort);
    // Closes the vendor connection if it is still open (timeout, abort, consumer stopped early).
    this.controller.abort();
    // Not awaited: a provider stuck in a request that ignores the abort must not hold us up.
    this.iterator.return?.(undefined)?.catch(() => {});
  }
}

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

export async function* streamAgent(
  agent: AgentRoute,
  request: Omit<ChatRequest, "model">,
  signal: AbortSignal,
  options: StreamAgentOptions = {},
): AsyncGenerator<RunPart> {
  const policy = policyFrom(options);
  const primary: ProviderTarget = { provider: agent.provider, model: agent.model, ...(agent.endpoint ? { endpoint: agent.endpoint } : {}) };
  const targets = [primary, ...(agent.fallbacks ?? [])];
  const failures: { target: ProviderTarget; part: ErrorPart }[] = [];

  for (const [index, target] of targets.entries()) {
    const provider = policy.getProvider(target);
    for (let attempt = 0; ; attempt++) {
      if (signal.aborted) return;
      const parts = withTimeouts(provider, { ...request, model: target.model }, signal, policy, contextFor(target));
      try {
        const first = await parts.next();
        if (signal.aborted) return;
        const firstPart = first.done ? undefined : first.value;
        if (firstPart && firstPart.type !== "error") {
          yield { type: "route", provider: target.provider, model: target.model, ...(target.endpoint ? { endpoint: target.endpoint } : {}) };
          yield firstPart;
          // Committed: from here on every part, including a failure, goes to the caller as is.
          for await (const part of parts) yield part;
          return;
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
        await parts.return(undefined);
      }
    }
  }
  if (signal.aborted) return;
  yield finalFailure(failures);
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

const TIMED_OUT = Symbol("timed out");
const ABORTED = Symbol("aborted");

/** The provider's next part, or TIMED_OUT after `ms`, or ABORTED when the signal fires first. */
function nextWithin(
  iterator: AsyncIterator<StreamPart>,
  ms: number,
  signal: AbortSignal,
): Promise<IteratorResult<StreamPart> | typeof TIMED_OUT | typeof ABORTED> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return resolve(ABORTED);
    const cleanup = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
    };
    const onAbort = () => {
      cleanup();
      resolve(ABORTED);
    };
    const timer = setTimeout(() => {
      cleanup();
      resolve(TIMED_OUT);
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
    iterator.next().then(
      (result) => {
        cleanup();
        resolve(result);
      },
      (err: unknown) => {
        cleanup();
        reject(err);
      },
    );
  });
}

/**
 * One attempt: the provider's parts under a first-token and an idle timeout. The attempt has
 * its own AbortController (linked to the caller's signal) so a timeout, a caller's abort or an
 * early stop by the consumer closes the vendor connection.
 */
async function* withTimeouts(
  provider: Provider,
  request: ChatRequest,
  outer: AbortSignal,
  policy: Policy,
  ctx: FailureContext,
): AsyncGenerator<StreamPart> {
  const controller = new AbortController();
  const forwardAbort = () => controller.abort(outer.reason);
  outer.addEventListener("abort", forwardAbort, { once: true });
  if (outer.aborted) controller.abort(outer.reason);
  const iterator = provider.stream(request, controller.signal)[Symbol.asyncIterator]();
  let started = false;
  try {
    for (;;) {
      const limit = started ? policy.idleTimeoutMs : policy.firstTokenTimeoutMs;
      let next: Awaited<ReturnType<typeof nextWithin>>;
      try {
        next = await nextWithin(iterator, limit, controller.signal);
      } catch (err) {
        // Providers report failures as parts; a throw is a bug, but the caller still gets a part.
        logger.error(`${ctx.label} (${ctx.model}) threw instead of yielding an error part: ${redactSecrets(String(err))}`);
        yield errorPart(ctx, "provider_error", "the provider failed unexpectedly; see the server log.", false);
        return;
      }
      if (next === ABORTED) return;
      if (next === TIMED_OUT) {
        controller.abort();
        yield timeoutPart(ctx, started ? "idle" : "first-token", limit);
        return;
      }
      if (next.done) return;
      started = true;
      yield next.value;
      if (next.value.type === "finish" || next.value.type === "error") return;
    }
  } finally {
    outer.removeEventListener("abort", forwardAbort);
    // Closes the vendor connection if it is still open (timeout, abort, consumer stopped early).
    controller.abort();
    // Not awaited: a provider stuck in a request that ignores the abort must not hold us up.
    iterator.return?.(undefined)?.catch(() => {});
  }
}

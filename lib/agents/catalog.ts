// What the agent editor asks about providers: which are configured and reachable, and which
// models each offers. Both answers are cached briefly so opening the editor does not hit
// every vendor each time, and health checks get a short timeout so one slow vendor cannot
// hold up the list.
import { listProviderStatus, providerSettings, type ProviderStatusEntry } from "@/lib/agents/config";
import { getProvider } from "@/lib/agents/factory";
import type { ModelInfo, ProviderHealth, ProviderId } from "@/lib/agents/types";

export interface ProviderStatus extends ProviderStatusEntry {
  reachable: boolean;
  latencyMs?: number;
  /** Why it is not usable, in words a person can act on. Never contains a key. */
  error?: string;
}

export const HEALTH_TIMEOUT_MS = 2000;
export const HEALTH_TTL_MS = 30_000;
export const MODELS_TIMEOUT_MS = 5000;
export const MODELS_TTL_MS = 60_000;

interface CacheEntry<T> {
  expires: number;
  value: Promise<T>;
}

const healthCache = new Map<string, CacheEntry<ProviderHealth>>();
const modelsCache = new Map<string, CacheEntry<ModelInfo[]>>();

/** Settings changes (another base URL, a key set or removed) must not be answered from cache. */
function cacheKey(target: { provider: ProviderId; endpoint?: string | null }): string {
  const settings = providerSettings(target);
  return [settings.provider, settings.endpoint ?? "", settings.baseUrl, settings.configured ? "configured" : "not-configured"].join("|");
}

function cached<T>(cache: Map<string, CacheEntry<T>>, key: string, ttlMs: number, load: () => Promise<T>, keepFailures: boolean): Promise<T> {
  const now = Date.now();
  const hit = cache.get(key);
  if (hit && hit.expires > now) return hit.value;
  const value = load();
  cache.set(key, { expires: now + ttlMs, value });
  if (!keepFailures) value.catch(() => cache.delete(key));
  return value;
}

/** The health check under a hard deadline, even for a provider that ignores its signal. */
async function checkWithin(target: { provider: ProviderId; endpoint?: string }, ms: number): Promise<ProviderHealth> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<ProviderHealth>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve({ reachable: false, latencyMs: ms, error: `No answer within ${ms} ms.` });
    }, ms);
  });
  try {
    return await Promise.race([
      getProvider(target)
        .checkHealth(controller.signal)
        .catch((err: unknown) => ({ reachable: false, error: err instanceof Error ? err.message : "Health check failed." })),
      deadline,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** One entry per provider (and declared endpoint) with reachability, for GET /api/providers. */
export async function getProviderStatuses(): Promise<ProviderStatus[]> {
  return Promise.all(
    listProviderStatus().map(async (entry): Promise<ProviderStatus> => {
      if (!entry.configured) {
        return { ...entry, reachable: false, ...(entry.problem ? { error: entry.problem } : {}) };
      }
      const target = { provider: entry.id, ...(entry.endpoint ? { endpoint: entry.endpoint } : {}) };
      const health = await cached(healthCache, cacheKey(target), HEALTH_TTL_MS, () => checkWithin(target, HEALTH_TIMEOUT_MS), true);
      return { ...entry, ...health };
    }),
  );
}

/** The provider's models (cached); throws an AppError with the provider's failure code. */
export function getProviderModels(target: { provider: ProviderId; endpoint?: string }): Promise<ModelInfo[]> {
  return cached(modelsCache, cacheKey(target), MODELS_TTL_MS, () => getProvider(target).listModels(AbortSignal.timeout(MODELS_TIMEOUT_MS)), false);
}

/** Forgets cached answers (tests, and an operator who just fixed a key). */
export function clearProviderCatalogCache(): void {
  healthCache.clear();
  modelsCache.clear();
}

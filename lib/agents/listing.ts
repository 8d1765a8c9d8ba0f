// Model lists and health checks share one shape across providers: a provider fetches its
// list once and these helpers turn the outcome into either models or a reachability report.
import { displayUrl } from "@/lib/agents/config";
import { appErrorFrom, errorPart, type ErrorPart, type FailureContext } from "@/lib/agents/errors";
import type { ModelInfo, ProviderHealth } from "@/lib/agents/types";

export type ModelListing =
  | { ok: true; models: ModelInfo[] }
  /** `status` is the HTTP status when the server answered at all. */
  | { ok: false; failure: ErrorPart; status?: number };

/** The caller's signal ended the listing (the short health/list timeout). */
export function listingTimedOut(ctx: FailureContext): ModelListing {
  return {
    ok: false,
    failure: errorPart(ctx, "provider_unavailable", `no answer from ${displayUrl(ctx.baseUrl)} in time.`, true),
  };
}

export function sortedModels(models: ModelInfo[]): ModelInfo[] {
  return [...models].sort((a, b) => a.id.localeCompare(b.id));
}

export function modelsOrThrow(listing: ModelListing): ModelInfo[] {
  if (listing.ok) return listing.models;
  throw appErrorFrom(listing.failure);
}

export async function healthFromListing(list: () => Promise<ModelListing>): Promise<ProviderHealth> {
  const started = performance.now();
  const listing = await list();
  const latencyMs = Math.round(performance.now() - started);
  // A server without a model list (404) still answers chat requests.
  if (listing.ok || listing.status === 404) return { reachable: true, latencyMs };
  return { reachable: false, latencyMs, error: listing.failure.message };
}

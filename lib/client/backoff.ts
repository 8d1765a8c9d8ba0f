// Reconnect delays: exponential with full jitter, capped, so many tabs reconnecting after a
// server restart spread out instead of arriving together.

export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, maxMs: 15_000 };

/** Delay before reconnect attempt `attempt` (0 = first retry). `random` is in [0, 1). */
export function backoffDelay(attempt: number, random: number = Math.random(), options: BackoffOptions = DEFAULT_BACKOFF): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt));
  // Half fixed, half jitter: never reconnects instantly in a tight loop, never waits past the cap.
  return Math.round(ceiling / 2 + (ceiling / 2) * random);
}

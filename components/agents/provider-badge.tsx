"use client";
import { modelLabel, useProviderStatus } from "@/lib/client/hooks";
import type { AgentDto } from "@/lib/client/types";

/** "OpenAI · gpt-4.1" with a dot: green when the provider is configured, amber when not. */
/** `compact`: no border; `"dot"`: also leave the status words to the dot and the tooltip. */
export function ProviderBadge({ agent, compact = false }: { agent: AgentDto; compact?: boolean | "dot" }) {
  const status = useProviderStatus(agent);
  // Usable = configured and, when the server checked, reachable.
  const configured = status?.configured;
  const unreachable = configured === true && status?.reachable === false;
  const hint =
    configured === false
      ? `Not configured: ${status?.problem ?? (status?.missingEnvVar ? `set ${status.missingEnvVar} in .env and restart the server` : "see the README")}`
      : unreachable
        ? `Not reachable: ${status?.error ?? "the server could not reach it"}`
        : configured
          ? "Configured"
          : undefined;
  return (
    <span
      className={`inline-flex min-w-0 items-center gap-x-1.5 gap-y-1 text-xs ${compact === "dot" ? "" : "flex-wrap"} text-zinc-500 dark:text-zinc-400 ${compact ? "" : "rounded-full border border-zinc-200 px-2 py-0.5 dark:border-zinc-700"}`}
      title={hint}
      data-testid="provider-badge"
      data-configured={configured === undefined ? "unknown" : String(configured)}
      data-reachable={unreachable ? "false" : undefined}
    >
      {configured !== undefined ? (
        <span aria-hidden="true" className={`h-1.5 w-1.5 shrink-0 rounded-full ${configured && !unreachable ? "bg-emerald-500" : "bg-amber-500"}`} />
      ) : null}
      <span className={compact === "dot" ? "truncate" : "break-all"}>{modelLabel(agent)}</span>
      {configured === false || unreachable ? (
        // In tight places (the sidebar) the amber dot and the tooltip say it; the words stay for screen readers.
        <span
          className={
            compact === "dot"
              ? "sr-only"
              : "shrink-0 rounded bg-amber-50 px-1.5 text-[11px] leading-4 font-medium text-amber-700 dark:bg-amber-500/10 dark:text-amber-300"
          }
        >
          {configured === false ? "not configured" : "unreachable"}
        </span>
      ) : null}
    </span>
  );
}

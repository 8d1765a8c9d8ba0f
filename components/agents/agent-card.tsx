"use client";
import { AgentAvatar } from "@/components/agents/agent-avatar";
import { ProviderBadge } from "@/components/agents/provider-badge";
import type { AgentDto } from "@/lib/client/types";

/** An agent to start a new chat with (the home page grid). */
export function AgentCard({ agent, selected, onSelect }: { agent: AgentDto; selected: boolean; onSelect: () => void }) {
  return (
    <li data-testid="agent-card" className="min-w-0">
      <button
        type="button"
        onClick={onSelect}
        aria-pressed={selected}
        className={`flex h-full w-full min-w-0 flex-col gap-2 rounded-xl border p-3.5 text-left transition-all hover:-translate-y-px hover:shadow-sm ${
          selected
            ? "border-indigo-400 bg-indigo-50/60 ring-1 ring-indigo-400 dark:border-indigo-500 dark:bg-indigo-500/10 dark:ring-indigo-500"
            : "border-zinc-200 bg-white hover:border-zinc-300 dark:border-zinc-800 dark:bg-zinc-900 dark:hover:border-zinc-700"
        }`}
      >
        <span className="flex min-w-0 items-center gap-2.5">
          <AgentAvatar agent={agent} size="sm" />
          <span className="truncate text-sm font-medium">{agent.name}</span>
        </span>
        {agent.description ? <span className="line-clamp-2 text-xs leading-relaxed text-zinc-500 dark:text-zinc-400">{agent.description}</span> : null}
        <ProviderBadge agent={agent} compact />
      </button>
    </li>
  );
}

"use client";
import { AgentAvatar } from "@/components/agents/agent-avatar";
import { AgentCard } from "@/components/agents/agent-card";
import { ProviderBadge } from "@/components/agents/provider-badge";
import { PlusIcon } from "@/components/ui/icons";
import { chooseDraftAgent } from "@/lib/client/chat-controller";
import { openAgentEditor } from "@/lib/client/store";
import type { AgentDto } from "@/lib/client/types";

/** The empty new chat: who you are about to talk to, and every agent to pick from instead. */
export function NewChatWelcome({ agents, agent }: { agents: AgentDto[]; agent: AgentDto | undefined }) {
  return (
    <div className="min-h-0 flex-1 overflow-y-auto">
      <div className="mx-auto w-full max-w-3xl px-4 py-8 sm:px-6 sm:py-12">
        {agent ? (
          <div className="flex flex-col items-center text-center">
            <AgentAvatar agent={agent} size="lg" />
            <h2 className="mt-4 text-xl font-semibold tracking-tight sm:text-2xl">{agent.name}</h2>
            {agent.description ? <p className="mt-1.5 max-w-md text-sm text-zinc-500 dark:text-zinc-400">{agent.description}</p> : null}
            <div className="mt-3">
              <ProviderBadge agent={agent} />
            </div>
          </div>
        ) : (
          <div className="text-center">
            <h2 className="text-xl font-semibold">No agents yet</h2>
            <p className="mt-1.5 text-sm text-zinc-500">Create an agent to start chatting.</p>
          </div>
        )}
        <h3 className="mt-10 mb-3 text-xs font-semibold tracking-wide text-zinc-500 uppercase">Choose an agent</h3>
        <ul data-testid="agent-list" className="grid grid-cols-1 gap-3 min-[480px]:grid-cols-2 lg:grid-cols-3">
          {agents.map((item) => (
            <AgentCard key={item.id} agent={item} selected={item.id === agent?.id} onSelect={() => chooseDraftAgent(item.id)} />
          ))}
          <li>
            <button
              type="button"
              onClick={() => openAgentEditor({ mode: "create" })}
              className="flex h-full min-h-24 w-full flex-col items-center justify-center gap-1.5 rounded-xl border border-dashed border-zinc-300 p-3.5 text-sm text-zinc-500 transition-colors hover:border-indigo-400 hover:text-indigo-600 dark:border-zinc-700 dark:hover:border-indigo-500 dark:hover:text-indigo-400"
            >
              <PlusIcon />
              New agent
            </button>
          </li>
        </ul>
      </div>
    </div>
  );
}

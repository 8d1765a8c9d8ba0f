"use client";
import Link from "next/link";
import { useState } from "react";
import { AgentAvatar } from "@/components/agents/agent-avatar";
import { ProviderBadge } from "@/components/agents/provider-badge";
import { IconButton } from "@/components/ui/icon-button";
import { ChevronIcon, PencilIcon, PlusIcon } from "@/components/ui/icons";
import { useAgents } from "@/lib/client/hooks";
import { openAgentEditor } from "@/lib/client/store";

/** The agents in the sidebar: start a chat with one, edit it, or create a new one. */
export function SidebarAgents() {
  const agents = useAgents();
  const [open, setOpen] = useState(true);
  return (
    <section aria-labelledby="sidebar-agents-title" className="px-2">
      <div className="flex items-center justify-between px-2 py-1">
        <button
          type="button"
          aria-expanded={open}
          onClick={() => setOpen(!open)}
          className="inline-flex items-center gap-1 rounded text-xs font-semibold tracking-wide text-zinc-500 uppercase hover:text-zinc-800 dark:hover:text-zinc-200"
        >
          <ChevronIcon size={13} className={`transition-transform ${open ? "rotate-90" : ""}`} />
          <span id="sidebar-agents-title">Agents</span>
          <span className="font-normal text-zinc-400">{agents.length}</span>
        </button>
        <IconButton label="New agent" size="sm" onClick={() => openAgentEditor({ mode: "create" })} data-testid="new-agent">
          <PlusIcon size={16} />
        </IconButton>
      </div>
      {open ? (
        <ul className="space-y-0.5" data-testid="sidebar-agents">
          {agents.map((agent) => (
            <li key={agent.id} className="group relative" data-testid="sidebar-agent">
              <Link
                href={`/?agent=${encodeURIComponent(agent.id)}`}
                className="flex min-w-0 items-center gap-2.5 rounded-lg px-2 py-1.5 pr-9 hover:bg-zinc-200/60 dark:hover:bg-zinc-800/70"
                title={`New chat with ${agent.name}`}
              >
                <AgentAvatar agent={agent} size="sm" />
                <span className="flex min-w-0 flex-col">
                  <span className="truncate text-sm">{agent.name}</span>
                  <ProviderBadge agent={agent} compact="dot" />
                </span>
              </Link>
              <IconButton
                label={`Edit ${agent.name}`}
                size="sm"
                onClick={() => openAgentEditor({ mode: "edit", agentId: agent.id })}
                className="absolute top-1/2 right-1 -translate-y-1/2 opacity-0 group-focus-within:opacity-100 group-hover:opacity-100 [@media(hover:none)]:opacity-100"
              >
                <PencilIcon size={15} />
              </IconButton>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}

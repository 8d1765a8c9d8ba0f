"use client";
import Link from "next/link";
import { AgentAvatar } from "@/components/agents/agent-avatar";
import { ProviderBadge } from "@/components/agents/provider-badge";
import { ConnectionIndicator } from "@/components/chat/connection-indicator";
import { ShortcutsHelp } from "@/components/chat/shortcuts-help";
import { IconButton } from "@/components/ui/icon-button";
import { MenuIcon, PencilIcon, PlusIcon } from "@/components/ui/icons";
import { openAgentEditor, setSidebarOpen } from "@/lib/client/store";
import type { AgentDto } from "@/lib/client/types";

export function ChatHeader({ title, agent }: { title: string; agent: AgentDto | undefined }) {
  return (
    <header className="flex h-14 shrink-0 items-center gap-2 border-b border-zinc-100 px-2 sm:px-4 dark:border-zinc-900">
      <IconButton label="Open the sidebar" className="md:hidden" onClick={() => setSidebarOpen(true)} data-testid="open-sidebar">
        <MenuIcon />
      </IconButton>
      <AgentAvatar agent={agent} size="sm" />
      <div className="min-w-0 flex-1">
        <h1 className="truncate text-sm font-semibold" data-testid="chat-title">
          {title}
        </h1>
        <div className="flex min-w-0 items-center gap-2 text-xs text-zinc-500">
          <span className="shrink-0 font-medium text-zinc-600 dark:text-zinc-300">{agent?.name ?? "Agent no longer available"}</span>
          {agent ? (
            <span className="hidden min-w-0 sm:flex">
              <ProviderBadge agent={agent} compact />
            </span>
          ) : null}
        </div>
      </div>
      <ConnectionIndicator />
      {agent ? (
        <IconButton label={`Edit ${agent.name}`} onClick={() => openAgentEditor({ mode: "edit", agentId: agent.id })} className="max-sm:hidden">
          <PencilIcon />
        </IconButton>
      ) : null}
      <div className="max-sm:hidden">
        <ShortcutsHelp />
      </div>
      <Link
        href="/"
        aria-label="New chat"
        title="New chat"
        className="inline-flex h-9 w-9 items-center justify-center rounded-lg text-zinc-500 hover:bg-zinc-100 hover:text-zinc-900 md:hidden dark:text-zinc-400 dark:hover:bg-zinc-800"
      >
        <PlusIcon />
      </Link>
    </header>
  );
}

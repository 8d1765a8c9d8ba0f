"use client";
import Link from "next/link";
import { SidebarAgents } from "@/components/agents/sidebar-agents";
import { ConversationList } from "@/components/chat/conversation-list";
import { IconButton } from "@/components/ui/icon-button";
import { CloseIcon, PlusIcon } from "@/components/ui/icons";
import { setSidebarOpen, useChatStore } from "@/lib/client/store";

/** Agents and conversations. A column on wide screens, a drawer on phones. */
export function Sidebar() {
  const open = useChatStore((state) => state.sidebarOpen);
  return (
    <>
      {open ? <div className="fixed inset-0 z-30 bg-zinc-950/40 md:hidden" onClick={() => setSidebarOpen(false)} aria-hidden="true" /> : null}
      <aside
        data-testid="sidebar"
        data-open={open}
        aria-label="Agents and conversations"
        className={`fixed inset-y-0 left-0 z-40 flex w-[17.5rem] max-w-[85vw] flex-col border-r border-zinc-200 bg-zinc-50 transition-[transform,visibility] duration-200 md:static md:visible md:translate-x-0 dark:border-zinc-800 dark:bg-zinc-900 ${
          open ? "visible translate-x-0 shadow-2xl md:shadow-none" : "invisible -translate-x-full"
        }`}
      >
        <div className="flex h-14 shrink-0 items-center justify-between px-4">
          <Link href="/" className="flex items-center gap-2 rounded text-[15px] font-semibold tracking-tight">
            <svg aria-hidden="true" viewBox="0 0 64 64" className="h-7 w-7">
              <rect width="64" height="64" rx="14" className="fill-indigo-600" />
              <path d="M32 14l15.6 9v18L32 50 16.4 41V23z" fill="none" stroke="#fff" strokeWidth="4" strokeLinejoin="round" />
              <circle cx="32" cy="32" r="5" fill="#fff" />
            </svg>
            Agent Nexus
          </Link>
          <IconButton label="Close the sidebar" className="md:hidden" onClick={() => setSidebarOpen(false)}>
            <CloseIcon />
          </IconButton>
        </div>
        <div className="px-3 pb-3">
          <Link href="/" data-testid="new-chat" className="btn-secondary w-full justify-between shadow-sm">
            <span className="inline-flex items-center gap-2">
              <PlusIcon size={16} />
              New chat
            </span>
            <span className="hidden gap-0.5 md:inline-flex" aria-hidden="true">
              <kbd className="kbd">Ctrl</kbd>
              <kbd className="kbd">⇧</kbd>
              <kbd className="kbd">O</kbd>
            </span>
          </Link>
        </div>
        <div className="min-h-0 flex-1 space-y-4 overflow-y-auto pb-4">
          <SidebarAgents />
          <ConversationList />
        </div>
      </aside>
    </>
  );
}

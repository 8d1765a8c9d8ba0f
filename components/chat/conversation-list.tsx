"use client";
// The sidebar's conversations: newest first, grouped by day, searchable, each one renamable
// in place and deletable after a confirmation.
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useEffect, useMemo, useRef, useState } from "react";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { IconButton } from "@/components/ui/icon-button";
import { PencilIcon, SearchIcon, TrashIcon } from "@/components/ui/icons";
import { deleteConversation, loadMoreConversations, refreshList, renameConversation } from "@/lib/client/chat-controller";
import { groupByDay } from "@/lib/client/day-groups";
import { useChatStore } from "@/lib/client/store";
import type { ConversationDto } from "@/lib/client/types";

export const SEARCH_ID = "conversation-search";

export function ConversationList() {
  const list = useChatStore((state) => state.list);
  const [query, setQuery] = useState(list.query);
  const [now, setNow] = useState<Date | null>(null);
  const [deleting, setDeleting] = useState<ConversationDto | null>(null);
  const pathname = usePathname();
  const router = useRouter();

  // Day labels depend on the viewer's clock and zone: computed in the browser only.
  useEffect(() => setNow(new Date()), [list.items]);

  useEffect(() => {
    if (query === useChatStore.getState().list.query) return;
    const timer = setTimeout(() => void refreshList(query.trim()), 250);
    return () => clearTimeout(timer);
  }, [query]);

  const groups = useMemo(() => (now ? groupByDay(list.items, (item) => item.updatedAt, now) : [{ label: "", items: list.items }]), [list.items, now]);

  return (
    <section aria-labelledby="sidebar-conversations-title" className="flex min-h-0 flex-col px-2">
      <h2 id="sidebar-conversations-title" className="px-2 py-1 text-xs font-semibold tracking-wide text-zinc-500 uppercase">
        Conversations
      </h2>
      <div className="relative px-1 pb-2">
        <label htmlFor={SEARCH_ID} className="sr-only">
          Search conversations
        </label>
        <SearchIcon size={15} className="pointer-events-none absolute top-2.5 left-3.5 text-zinc-400" />
        <input
          id={SEARCH_ID}
          type="search"
          data-testid="conversation-search"
          value={query}
          onChange={(event) => setQuery(event.target.value)}
          placeholder="Search"
          className="field h-9 py-1.5 pl-8 text-sm"
          autoComplete="off"
        />
      </div>
      {list.status === "error" ? (
        <p role="alert" className="px-2 py-2 text-xs text-red-600 dark:text-red-400">
          {list.error}{" "}
          <button type="button" className="underline" onClick={() => void refreshList()}>
            Retry
          </button>
        </p>
      ) : null}
      {list.loaded && list.items.length === 0 ? (
        <p className="px-2 py-3 text-sm text-zinc-500" data-testid="conversations-empty">
          {list.query ? `Nothing matches “${list.query}”.` : "No conversations yet."}
        </p>
      ) : null}
      <div data-testid="conversation-list">
        {groups.map((group) => (
          <div key={group.label || "all"} className="mb-3">
            {group.label ? <h3 className="px-2 pt-1 pb-1 text-[11px] font-medium text-zinc-400 dark:text-zinc-500">{group.label}</h3> : null}
            <ul className="space-y-0.5">
              {group.items.map((conversation) => (
                <ConversationRow key={conversation.id} conversation={conversation} active={pathname === `/c/${conversation.id}`} onDelete={() => setDeleting(conversation)} />
              ))}
            </ul>
          </div>
        ))}
      </div>
      {list.nextCursor ? (
        <button type="button" className="mx-2 mb-3 rounded-lg py-1.5 text-xs text-zinc-500 hover:bg-zinc-200/60 dark:hover:bg-zinc-800" onClick={() => void loadMoreConversations()} disabled={list.status === "loading"}>
          {list.status === "loading" ? "Loading…" : "Show more"}
        </button>
      ) : null}
      {deleting ? (
        <ConfirmDialog
          title="Delete this conversation?"
          description={`“${deleting.title}” and all its messages will be deleted. This cannot be undone.`}
          confirmLabel="Delete"
          onClose={() => setDeleting(null)}
          onConfirm={async () => {
            await deleteConversation(deleting.id);
            if (pathname === `/c/${deleting.id}`) router.push("/");
          }}
        />
      ) : null}
    </section>
  );
}

function ConversationRow({ conversation, active, onDelete }: { conversation: ConversationDto; active: boolean; onDelete: () => void }) {
  const [renaming, setRenaming] = useState(false);
  const [title, setTitle] = useState(conversation.title);
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (renaming) input.current?.select();
  }, [renaming]);

  const save = async () => {
    const next = title.trim();
    if (!renaming) return;
    if (!next || next === conversation.title) {
      setRenaming(false);
      setTitle(conversation.title);
      return;
    }
    try {
      await renameConversation(conversation.id, next);
      setRenaming(false);
      setError(null);
    } catch (err) {
      setError((err as Error).message);
    }
  };

  if (renaming) {
    return (
      <li className="px-1" data-testid="conversation-item">
        <input
          ref={input}
          data-testid="rename-input"
          aria-label="Conversation title"
          className="field h-8 py-1 text-sm"
          value={title}
          maxLength={200}
          onChange={(event) => setTitle(event.target.value)}
          onBlur={() => void save()}
          onKeyDown={(event) => {
            if (event.key === "Enter") void save();
            if (event.key === "Escape") {
              event.preventDefault();
              event.stopPropagation();
              setTitle(conversation.title);
              setRenaming(false);
            }
          }}
        />
        {error ? <p className="px-1 pt-1 text-xs text-red-600">{error}</p> : null}
      </li>
    );
  }

  return (
    <li className="group relative" data-testid="conversation-item" data-active={active || undefined}>
      <Link
        href={`/c/${conversation.id}`}
        aria-current={active ? "page" : undefined}
        className={`block truncate rounded-lg py-1.5 pr-16 pl-2.5 text-sm transition-colors ${
          active ? "bg-zinc-200/80 font-medium text-zinc-900 dark:bg-zinc-800 dark:text-zinc-50" : "text-zinc-700 hover:bg-zinc-200/50 dark:text-zinc-300 dark:hover:bg-zinc-800/60"
        }`}
        title={conversation.title}
      >
        {conversation.title}
      </Link>
      <div className={`absolute top-1/2 right-1 flex -translate-y-1/2 gap-0.5 group-focus-within:opacity-100 group-hover:opacity-100 [@media(hover:none)]:opacity-100 ${active ? "opacity-100" : "opacity-0"}`}>
        <IconButton label={`Rename “${conversation.title}”`} size="sm" onClick={() => setRenaming(true)} data-testid="rename-conversation">
          <PencilIcon size={14} />
        </IconButton>
        <IconButton label={`Delete “${conversation.title}”`} size="sm" onClick={onDelete} data-testid="delete-conversation">
          <TrashIcon size={14} />
        </IconButton>
      </div>
    </li>
  );
}

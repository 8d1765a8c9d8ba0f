"use client";
// The chat pane for one conversation (`/c/<id>`) or a new one (`/`). Items come from the store;
// before the store has them, from the server-rendered rows, so a reload shows the text so far
// at once. A new conversation moves to /c/<id> as soon as the server has created it, and the
// stream carries on in the store meanwhile.
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { ChatHeader } from "@/components/chat/chat-header";
import { Composer, COMPOSER_ID } from "@/components/chat/composer";
import { MessageList } from "@/components/chat/message-list";
import { NewChatWelcome } from "@/components/chat/new-chat-welcome";
import { WarningIcon } from "@/components/ui/icons";
import { loadOlder, openConversation, resend, resetDraft, sendMessage, stopAnswer } from "@/lib/client/chat-controller";
import { itemsFromMessages, runningTurn, type ChatItem } from "@/lib/client/conversation-state";
import { providerName, providerStatusOf, useAgents, useProviderStatus } from "@/lib/client/hooks";
import { useChatStore } from "@/lib/client/store";
import type { AgentDto, ConversationDetail, ProviderStatusEntry } from "@/lib/client/types";

export type InitialConversation = Omit<ConversationDetail, "activeInvocationId">;

interface ChatViewProps {
  conversationId: string | null;
  initial?: InitialConversation | null;
  initialAgentId?: string;
}

const EMPTY: ChatItem[] = [];

/** A new chat starts with the first agent whose provider works (once that is known). */
function firstUsableAgent(agents: AgentDto[], providers: ProviderStatusEntry[] | null): AgentDto | undefined {
  const usable = agents.find((agent) => {
    const status = providerStatusOf(providers, agent);
    return status?.configured && status.reachable !== false;
  });
  return usable ?? agents[0];
}

export function ChatView({ conversationId, initial, initialAgentId }: ChatViewProps) {
  const router = useRouter();
  const agents = useAgents();
  const draft = useChatStore((state) => state.draft);
  const stored = useChatStore((state) => (conversationId ? state.conversations[conversationId] : undefined));
  const missing = useChatStore((state) => (conversationId ? state.missing[conversationId] === true : false));
  const moved = useChatStore((state) => (!conversationId && state.draft.conversationId ? state.conversations[state.draft.conversationId] : undefined));
  const initialItems = useMemo(() => (initial ? itemsFromMessages(initial.messages) : null), [initial]);
  const [sentTick, setSentTick] = useState(0);

  const view = conversationId ? stored : moved;
  const items = view?.items ?? (conversationId ? (initialItems ?? EMPTY) : draft.items);
  const activeId = conversationId ?? draft.conversationId;
  const providers = useChatStore((state) => state.providers);
  const draftAgentId =
    draft.agentId && agents.some((agent) => agent.id === draft.agentId) ? draft.agentId : (initialAgentId ?? firstUsableAgent(agents, providers)?.id);
  const agentId = view?.agentId ?? initial?.agentId ?? (conversationId ? undefined : draftAgentId);
  const agent = agents.find((item) => item.id === agentId);
  const providerStatus = useProviderStatus(agent);
  const running = runningTurn(items) !== undefined;
  const title = view?.title ?? initial?.title ?? (conversationId ? "Conversation" : "New chat");

  useEffect(() => {
    if (conversationId) return openConversation(conversationId, initial);
  }, [conversationId, initial]);

  useEffect(() => {
    if (!conversationId) resetDraft(initialAgentId);
  }, [conversationId, initialAgentId]);

  // The new conversation exists: give it its address (the store keeps streaming meanwhile).
  useEffect(() => {
    if (!conversationId && draft.conversationId) router.replace(`/c/${draft.conversationId}`);
  }, [conversationId, draft.conversationId, router]);

  useEffect(() => {
    document.title = `${title} · Agent Nexus`;
  }, [title]);

  // Desktop: ready to type. (Phones would pop the keyboard up, so not there.)
  useEffect(() => {
    if (window.matchMedia("(pointer: fine)").matches) document.getElementById(COMPOSER_ID)?.focus();
  }, [conversationId]);

  const itemsRef = useRef(items);
  itemsRef.current = items;
  const target = useRef({ agentId, activeId });
  target.current = { agentId, activeId };

  const stop = useCallback(() => stopAnswer(itemsRef.current), []);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== "Escape" || event.defaultPrevented || document.querySelector("dialog[open]")) return;
      if (runningTurn(itemsRef.current)) {
        event.preventDefault();
        stop();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [stop]);

  const send = useCallback((text: string) => {
    const { agentId: to, activeId: conversation } = target.current;
    if (!to) return;
    setSentTick((tick) => tick + 1);
    void sendMessage({ agentId: to, conversationId: conversation, text });
  }, []);

  const retry = useCallback((index: number) => {
    const { agentId: to, activeId: conversation } = target.current;
    if (!to) return;
    setSentTick((tick) => tick + 1);
    void resend({ agentId: to, conversationId: conversation, items: itemsRef.current, turnIndex: index });
  }, []);

  const olderId = conversationId;
  const onLoadOlder = useCallback(() => (olderId ? loadOlder(olderId) : Promise.resolve()), [olderId]);

  if (missing) {
    return (
      <div className="flex h-full flex-col">
        <ChatHeader title="Not found" agent={undefined} />
        <div className="flex flex-1 flex-col items-center justify-center gap-3 p-6 text-center" data-testid="conversation-missing">
          <p className="text-lg font-semibold">This conversation does not exist</p>
          <p className="text-sm text-zinc-500">It may have been deleted, here or in another tab.</p>
          <Link href="/" className="btn-primary">
            Start a new chat
          </Link>
        </div>
      </div>
    );
  }

  const disabledReason = !agent
    ? conversationId
      ? "This conversation's agent was deleted"
      : "Create an agent to start"
    : undefined;
  const notice =
    agent && providerStatus && !providerStatus.configured ? (
      <p className="mb-2 flex items-start gap-2 rounded-xl bg-amber-50 px-3 py-2 text-xs text-amber-800 dark:bg-amber-500/10 dark:text-amber-300" data-testid="provider-warning">
        <WarningIcon size={14} className="mt-0.5 shrink-0" />
        <span>
          {providerName(agent.provider)} is not configured:{" "}
          {providerStatus.problem ?? (providerStatus.missingEnvVar ? `set ${providerStatus.missingEnvVar} in .env and restart the server.` : "see the README.")}
        </span>
      </p>
    ) : undefined;

  return (
    <div className="flex h-full min-h-0 flex-col" data-testid="chat-view" data-conversation-id={activeId ?? ""}>
      <ChatHeader title={title} agent={agent} />
      {items.length === 0 && !conversationId ? (
        <NewChatWelcome agents={agents} agent={agent} />
      ) : (
        <MessageList items={items} agent={agent} onRetry={retry} hasOlder={view ? view.nextBefore !== null : Boolean(initial?.nextBefore)} onLoadOlder={onLoadOlder} sentTick={sentTick} />
      )}
      <Composer agentName={agent?.name} disabledReason={disabledReason} running={running} onSend={send} onStop={stop} notice={notice} />
    </div>
  );
}

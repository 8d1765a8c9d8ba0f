// Everything the UI does that talks to the server: the WebSocket session (events batched per
// frame into the store), opening and following conversations, sending, stopping, retrying,
// the sidebar list, and agents. Tabs of the same browser tell each other about list changes
// through a BroadcastChannel; other devices catch up when they reconnect or regain focus.
import { api, ApiError } from "@/lib/client/api";
import {
  applyEvents,
  itemsFromMessages,
  mergeFetched,
  prependOlder,
  promptOf,
  resumePoint,
  runningTurn,
  type AssistantTurn,
  type ChatItem,
  type ConversationView,
  type UserItem,
} from "@/lib/client/conversation-state";
import { FrameBatcher } from "@/lib/client/frame-batcher";
import { RealtimeClient } from "@/lib/client/realtime-client";
import { updateConversation, useChatStore } from "@/lib/client/store";
import type { ConversationDetail, InvocationEvent } from "@/lib/client/types";

const topicOf = (conversationId: string) => `conversation:${conversationId}`;
const LAST_AGENT_KEY = "agent-nexus:last-agent";
/** A gap in one invocation's events asks for a replay at most this often. */
const RESYNC_EVERY_MS = 2_000;

let client: RealtimeClient | null = null;
let batcher: FrameBatcher<InvocationEvent> | null = null;
let channel: BroadcastChannel | null = null;
/** How many mounted views show each conversation (a conversation stays subscribed while shown or running). */
const viewers = new Map<string, number>();
const lastResync = new Map<string, number>();
/** Turns whose Stop was pressed before the server had named the invocation. */
const stopWhenAccepted = new Set<string>();
let keyCounter = 0;
const localKey = () => `local-${Date.now().toString(36)}-${++keyCounter}`;

// --- session ---------------------------------------------------------------------------

/**
 * The tab's socket client, created on first use. Views may subscribe before the session has
 * started (child effects run before the app shell's); the client remembers their topics and
 * subscribes them once connected.
 */
function getClient(): RealtimeClient {
  if (client) return client;
  const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws`;
  batcher = new FrameBatcher(applyBatch);
  client = new RealtimeClient(url, {
    onEvent: (event) => batcher?.push(event),
    onState: (connection) => useChatStore.setState({ connection }),
    onReconnected: () => {
      void refreshList();
      for (const id of Object.keys(useChatStore.getState().conversations)) if (viewers.get(id)) void syncConversation(id);
    },
    resumePoint: (topic) => {
      const id = topic.startsWith("conversation:") ? topic.slice("conversation:".length) : undefined;
      const view = id ? useChatStore.getState().conversations[id] : undefined;
      return view ? resumePoint(view.items) : { afterSeq: 0 };
    },
  });
  return client;
}

/** Starts the tab's realtime session (once, from the app shell); returns a stop function. */
export function startSession(): () => void {
  const session = getClient();
  session.start();
  if ("BroadcastChannel" in window) {
    channel = new BroadcastChannel("agent-nexus");
    channel.onmessage = (message: MessageEvent<{ type: string }>) => {
      if (message.data.type === "conversations-changed") void refreshList();
      if (message.data.type === "agents-changed") void refreshAgents();
    };
  }
  const onFocus = () => void refreshList();
  window.addEventListener("focus", onFocus);
  void refreshAgents();
  void refreshProviders();
  void refreshList();
  return () => {
    window.removeEventListener("focus", onFocus);
    session.stop();
    channel?.close();
    channel = null;
    if (client === session) {
      client = null;
      batcher = null;
    }
  };
}

function announce(type: "conversations-changed" | "agents-changed"): void {
  channel?.postMessage({ type });
}

function applyBatch(events: InvocationEvent[]): void {
  const byConversation = new Map<string, InvocationEvent[]>();
  for (const event of events) {
    const list = byConversation.get(event.conversationId);
    if (list) list.push(event);
    else byConversation.set(event.conversationId, [event]);
  }
  const refetch: string[] = [];
  let listChanged = false;
  let changed = false;
  const conversations = { ...useChatStore.getState().conversations };
  for (const [id, batch] of byConversation) {
    const view = conversations[id];
    if (!view) continue;
    const result = applyEvents(view.items, batch);
    if (result.items !== view.items) {
      conversations[id] = { ...view, items: result.items };
      changed = true;
    }
    if (result.unknownTurn) refetch.push(id);
    for (const gap of result.resync) requestResync(id, gap.invocationId, gap.afterSeq);
    const ended = batch.some((event) => event.type === "done" || event.type === "error");
    if (ended || batch.some((event) => event.type === "start")) listChanged = true;
    // Followed only to finish an answer nobody is looking at any more.
    if (ended && !viewers.get(id) && !runningTurn(conversations[id].items)) client?.unsubscribe(topicOf(id));
  }
  if (changed) useChatStore.setState({ conversations });
  for (const id of refetch) void syncConversation(id, { subscribe: false });
  if (listChanged) void refreshList();
}

function requestResync(conversationId: string, invocationId: string, afterSeq: number): void {
  const now = Date.now();
  if ((lastResync.get(invocationId) ?? 0) > now - RESYNC_EVERY_MS) return;
  lastResync.set(invocationId, now);
  client?.resync(topicOf(conversationId), { afterSeq, invocationId });
}

// --- conversations ------------------------------------------------------------------------

function storeDetail(detail: Omit<ConversationDetail, "activeInvocationId">): void {
  useChatStore.setState((state) => {
    const existing = state.conversations[detail.id];
    const fetched = itemsFromMessages(detail.messages);
    const view: ConversationView = {
      id: detail.id,
      title: detail.title,
      agentId: detail.agentId,
      items: existing ? mergeFetched(existing.items, fetched) : fetched,
      // Older pages loaded earlier stay loaded, and so does the cursor past them.
      nextBefore: existing?.loaded && existing.items.length > fetched.length ? existing.nextBefore : detail.nextBefore,
      loaded: true,
    };
    return { conversations: { ...state.conversations, [detail.id]: view } };
  });
}

/** Fetches the stored rows, merges them, and (re)subscribes resuming from the newest turn. */
async function syncConversation(id: string, { subscribe = true }: { subscribe?: boolean } = {}): Promise<void> {
  try {
    storeDetail(await api.getConversation(id));
  } catch (err) {
    if (err instanceof ApiError && err.code === "not_found") markMissing(id);
    return;
  }
  if (subscribe) getClient().subscribe(topicOf(id));
}

function markMissing(id: string): void {
  useChatStore.setState((state) => {
    const { [id]: _gone, ...rest } = state.conversations;
    return {
      conversations: rest,
      missing: { ...state.missing, [id]: true },
      list: { ...state.list, items: state.list.items.filter((item) => item.id !== id) },
    };
  });
}

/**
 * A view shows conversation `id`: use the server-rendered rows when given (else fetch), then
 * follow it live. Returns the function to call when the view goes away.
 */
export function openConversation(id: string, initial?: Omit<ConversationDetail, "activeInvocationId"> | null): () => void {
  viewers.set(id, (viewers.get(id) ?? 0) + 1);
  const known = useChatStore.getState().conversations[id];
  if (initial && initial.id === id) {
    storeDetail(initial);
    getClient().subscribe(topicOf(id));
  } else if (known?.loaded && client?.isOpen) {
    // Created in this tab a moment ago (or open in another view): follow it, then refresh quietly.
    getClient().subscribe(topicOf(id));
    void syncConversation(id, { subscribe: false });
  } else {
    void syncConversation(id);
  }
  return () => {
    const count = (viewers.get(id) ?? 1) - 1;
    if (count > 0) return void viewers.set(id, count);
    viewers.delete(id);
    const view = useChatStore.getState().conversations[id];
    // A running answer keeps streaming into the store, so coming back shows it current.
    if (!view || !runningTurn(view.items)) client?.unsubscribe(topicOf(id));
  };
}

export async function loadOlder(id: string): Promise<void> {
  const view = useChatStore.getState().conversations[id];
  if (!view?.nextBefore) return;
  const page = await api.getConversation(id, { before: view.nextBefore });
  updateConversation(id, (current) => ({ items: prependOlder(current.items, itemsFromMessages(page.messages)), nextBefore: page.nextBefore }));
}

// --- the new chat ---------------------------------------------------------------------------

export function resetDraft(agentId?: string): void {
  useChatStore.setState((state) => ({
    draft: { agentId: agentId ?? state.draft.agentId ?? rememberedAgent(), conversationId: null, items: [] },
  }));
}

export function chooseDraftAgent(agentId: string): void {
  useChatStore.setState((state) => ({ draft: { ...state.draft, agentId } }));
  try {
    localStorage.setItem(LAST_AGENT_KEY, agentId);
  } catch {
    // private mode: not remembered, that is all
  }
}

function rememberedAgent(): string | null {
  try {
    return localStorage.getItem(LAST_AGENT_KEY);
  } catch {
    return null;
  }
}

// --- sending, stopping, retrying ----------------------------------------------------------

type Target = { conversationId: string } | { draft: true };

function editItems(target: Target, edit: (items: ChatItem[]) => ChatItem[]): void {
  if ("draft" in target) {
    useChatStore.setState((state) => {
      const moved = state.draft.conversationId;
      if (moved && state.conversations[moved]) {
        const view = state.conversations[moved];
        return { conversations: { ...state.conversations, [moved]: { ...view, items: edit(view.items) } } };
      }
      return { draft: { ...state.draft, items: edit(state.draft.items) } };
    });
  } else {
    updateConversation(target.conversationId, (view) => ({ items: edit(view.items) }));
  }
}

const patchByKey = (key: string, patch: Partial<UserItem> | Partial<AssistantTurn>) => (items: ChatItem[]) =>
  items.map((item) => (item.key === key ? ({ ...item, ...patch } as ChatItem) : item));

/**
 * Sends a message as a new turn over the WebSocket. Without a conversation id it starts a new
 * conversation from the draft; resolves with the conversation id (or null when refused).
 */
export async function sendMessage(input: { agentId: string; conversationId: string | null; text: string }): Promise<string | null> {
  const target: Target = input.conversationId ? { conversationId: input.conversationId } : { draft: true };
  const userKey = localKey();
  const turnKey = localKey();
  const createdAt = new Date().toISOString();
  editItems(target, (items) => [
    ...items,
    { kind: "user", key: userKey, content: input.text, createdAt, pending: true },
    { kind: "assistant", key: turnKey, content: "", reasoning: "", tools: [], status: "pending", createdAt, lastSeq: 0 },
  ]);
  if (!input.conversationId) chooseDraftAgent(input.agentId);

  let accepted: { invocationId: string; conversationId: string };
  try {
    accepted = await getClient().invoke({ agentId: input.agentId, message: input.text, ...(input.conversationId ? { conversationId: input.conversationId } : {}) });
  } catch (err) {
    const error = err instanceof ApiError ? { code: err.code, message: err.message } : { code: "internal", message: String(err) };
    editItems(target, (items) => {
      const turn = items.find((item) => item.key === turnKey);
      // Still ours (no events claimed it): the refusal shows on it. Otherwise the events were
      // another tab's turn, which keeps the place; the refusal goes after it.
      if (turn?.kind === "assistant" && !turn.invocationId) return patchByKey(turnKey, { status: "error", error, retryable: true })(items);
      return [...items, { kind: "assistant", key: localKey(), content: "", reasoning: "", tools: [], status: "error", error, retryable: true, createdAt, lastSeq: 0 }];
    });
    return null;
  }

  const link = (items: ChatItem[]) =>
    items.map((item) => (item.key === userKey || item.key === turnKey ? ({ ...item, invocationId: accepted.invocationId } as ChatItem) : item));
  if (input.conversationId) {
    editItems(target, link);
  } else {
    useChatStore.setState((state) => {
      const view: ConversationView = {
        id: accepted.conversationId,
        title: input.text.slice(0, 80),
        agentId: input.agentId,
        items: link(state.draft.items),
        nextBefore: null,
        loaded: true,
      };
      return {
        conversations: { ...state.conversations, [accepted.conversationId]: view },
        draft: { ...state.draft, conversationId: accepted.conversationId },
      };
    });
  }
  if (stopWhenAccepted.delete(turnKey)) cancelInvocation(accepted.invocationId);
  void refreshList();
  announce("conversations-changed");
  return accepted.conversationId;
}

function cancelInvocation(invocationId: string): void {
  if (client?.cancel(invocationId)) return;
  void fetch(`/api/invocations/${encodeURIComponent(invocationId)}/cancel`, { method: "POST" }).catch(() => undefined);
}

/** Stops the running answer of a conversation (or of the draft). */
export function stopAnswer(items: readonly ChatItem[]): void {
  const running = runningTurn(items);
  if (!running) return;
  if (running.invocationId) cancelInvocation(running.invocationId);
  else stopWhenAccepted.add(running.key);
}

/** Sends the prompt of the turn at `turnIndex` again as a new turn (Retry and Regenerate). */
export async function resend(input: { agentId: string; conversationId: string | null; items: readonly ChatItem[]; turnIndex: number }): Promise<void> {
  const turn = input.items[input.turnIndex];
  const prompt = promptOf(input.items, input.turnIndex);
  if (!prompt || turn?.kind !== "assistant") return;
  if (!turn.invocationId) {
    // Never accepted: nothing was stored, so take the failed attempt back out.
    const target: Target = input.conversationId ? { conversationId: input.conversationId } : { draft: true };
    editItems(target, (items) => items.filter((item) => item.key !== turn.key && item.key !== prompt.key));
  }
  await sendMessage({ agentId: input.agentId, conversationId: input.conversationId, text: prompt.content });
}

// --- sidebar list ----------------------------------------------------------------------

let listRequest = 0;

export async function refreshList(query: string = useChatStore.getState().list.query): Promise<void> {
  const ticket = ++listRequest;
  useChatStore.setState((state) => ({ list: { ...state.list, query, status: "loading" } }));
  try {
    const page = await api.listConversations({ q: query || undefined });
    if (ticket !== listRequest) return;
    useChatStore.setState({ list: { items: page.items, nextCursor: page.nextCursor, query, status: "idle", loaded: true } });
  } catch (err) {
    if (ticket !== listRequest) return;
    useChatStore.setState((state) => ({ list: { ...state.list, status: "error", error: (err as Error).message } }));
  }
}

export async function loadMoreConversations(): Promise<void> {
  const { list } = useChatStore.getState();
  if (!list.nextCursor || list.status === "loading") return;
  const ticket = ++listRequest;
  useChatStore.setState({ list: { ...list, status: "loading" } });
  try {
    const page = await api.listConversations({ q: list.query || undefined, cursor: list.nextCursor });
    if (ticket !== listRequest) return;
    useChatStore.setState((state) => ({
      list: {
        ...state.list,
        items: [...state.list.items, ...page.items.filter((item) => !state.list.items.some((known) => known.id === item.id))],
        nextCursor: page.nextCursor,
        status: "idle",
      },
    }));
  } catch (err) {
    useChatStore.setState((state) => ({ list: { ...state.list, status: "error", error: (err as Error).message } }));
  }
}

export async function renameConversation(id: string, title: string): Promise<void> {
  const renamed = await api.renameConversation(id, title);
  useChatStore.setState((state) => ({
    list: { ...state.list, items: state.list.items.map((item) => (item.id === id ? { ...item, title: renamed.title } : item)) },
    conversations: state.conversations[id]
      ? { ...state.conversations, [id]: { ...state.conversations[id], title: renamed.title } }
      : state.conversations,
  }));
  announce("conversations-changed");
}

export async function deleteConversation(id: string): Promise<void> {
  await api.deleteConversation(id);
  client?.unsubscribe(topicOf(id));
  markMissing(id);
  announce("conversations-changed");
}

// --- agents and providers --------------------------------------------------------------------

export async function refreshAgents(): Promise<void> {
  try {
    useChatStore.setState({ agents: await api.listAgents() });
  } catch {
    // keep what is shown; the next focus or change retries
  }
}

export async function refreshProviders(): Promise<void> {
  try {
    useChatStore.setState({ providers: await api.listProviders() });
  } catch {
    useChatStore.setState((state) => ({ providers: state.providers ?? [] }));
  }
}

export function agentsChanged(): void {
  void refreshAgents();
  announce("agents-changed");
}

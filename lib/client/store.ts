// The browser's state, in one zustand store: agents, providers, the sidebar's conversation
// list, the open conversations' chat items, the new-chat draft and the connection.
// Side effects (HTTP, WebSocket) live in chat-controller.ts; this file only holds state.
import { create } from "zustand";
import type { ChatItem, ConversationView } from "@/lib/client/conversation-state";
import type { ConnectionState } from "@/lib/client/realtime-client";
import type { AgentDto, ConversationDto, ProviderStatusEntry } from "@/lib/client/types";

export interface ConversationListState {
  items: ConversationDto[];
  nextCursor: string | null;
  query: string;
  status: "idle" | "loading" | "error";
  error?: string;
  loaded: boolean;
}

/** The new chat at `/`: its items until the server has created the conversation. */
export interface DraftState {
  agentId: string | null;
  /** Set once the first message was accepted; the view then shows that conversation. */
  conversationId: string | null;
  items: ChatItem[];
}

export type EditorState = { mode: "create" } | { mode: "edit"; agentId: string } | null;

export interface ChatStore {
  /** null until loaded (server-rendered pages pass their own copy meanwhile). */
  agents: AgentDto[] | null;
  /** null until loaded; [] when the server does not list providers. */
  providers: ProviderStatusEntry[] | null;
  conversations: Record<string, ConversationView>;
  /** Conversations the server does not know (deleted, or a wrong link). */
  missing: Record<string, true>;
  list: ConversationListState;
  connection: ConnectionState;
  draft: DraftState;
  sidebarOpen: boolean;
  editor: EditorState;
}

export const useChatStore = create<ChatStore>()(() => ({
  agents: null,
  providers: null,
  conversations: {},
  missing: {},
  list: { items: [], nextCursor: null, query: "", status: "idle", loaded: false },
  connection: { status: "connecting", attempt: 0 },
  draft: { agentId: null, conversationId: null, items: [] },
  sidebarOpen: false,
  editor: null,
}));

export const setSidebarOpen = (open: boolean) => useChatStore.setState({ sidebarOpen: open });
export const openAgentEditor = (editor: EditorState) => useChatStore.setState({ editor, sidebarOpen: false });
export const closeAgentEditor = () => useChatStore.setState({ editor: null });

/** Replaces one conversation's items (and optionally other fields) immutably. */
export function updateConversation(id: string, update: (view: ConversationView) => Partial<ConversationView>): void {
  useChatStore.setState((state) => {
    const view = state.conversations[id];
    if (!view) return {};
    return { conversations: { ...state.conversations, [id]: { ...view, ...update(view) } } };
  });
}

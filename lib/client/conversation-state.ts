// The chat pane's state for one conversation, built from stored rows (REST) and live events
// (WebSocket), as pure functions so the merge and resume rules can be tested without a browser.
//
// Rows: a user message, then per turn an assistant `message` row plus optional `thought`
// and `action` rows sharing its invocationId. Live events carry a per-invocation `seq`;
// a turn remembers the last seq it applied, so replays after a reconnect or reload are
// applied exactly once, and a gap asks for a resync instead of corrupting the text.
import type { InvocationEvent, MessageDto, MessageUsage } from "@/lib/client/types";

export interface ToolStep {
  toolCallId: string;
  name: string;
  args: unknown;
  result?: unknown;
  error?: string;
  done: boolean;
}

export type TurnStatus = MessageDto["status"] | "pending";

export interface UserItem {
  kind: "user";
  /** React key: stays the same from the optimistic item to the stored message. */
  key: string;
  id?: string;
  /** The turn this message started, once known. */
  invocationId?: string;
  content: string;
  createdAt: string;
  pending?: boolean;
}

export interface AssistantTurn {
  kind: "assistant";
  key: string;
  invocationId?: string;
  messageId?: string;
  /** Text built from events (or the stored text of a finished turn). */
  content: string;
  /** Stored partial text of a running turn, shown until the replayed stream catches up. */
  checkpoint?: string;
  reasoning: string;
  tools: ToolStep[];
  status: TurnStatus;
  error?: { code: string; message: string };
  retryable?: boolean;
  provider?: string;
  model?: string;
  usage?: MessageUsage;
  latencyMs?: number;
  ttftMs?: number;
  createdAt: string;
  /** Last event seq applied; 0 when the turn came from stored rows only. */
  lastSeq: number;
  /** Local-only: when the first event arrived and when the first token did (for a live TTFT). */
  startedAt?: number;
  reasoningEndedAt?: number;
}

export type ChatItem = UserItem | AssistantTurn;

export interface ConversationView {
  id: string;
  title: string;
  agentId: string;
  items: ChatItem[];
  nextBefore: string | null;
  /** Set once stored rows have been merged (an optimistic new conversation is loaded too). */
  loaded: boolean;
}

const TERMINAL: ReadonlySet<TurnStatus> = new Set(["complete", "error", "cancelled", "interrupted"]);
export const isTerminal = (status: TurnStatus) => TERMINAL.has(status);
export const isRunning = (turn: AssistantTurn) => !isTerminal(turn.status);

/** The text to show: the stored checkpoint until the replayed stream has caught up with it. */
export function visibleText(turn: AssistantTurn): string {
  return turn.checkpoint !== undefined && turn.checkpoint.length > turn.content.length ? turn.checkpoint : turn.content;
}

function turnFromRow(row: MessageDto): AssistantTurn {
  const streaming = row.status === "streaming";
  return {
    kind: "assistant",
    key: row.invocationId ?? row.id,
    invocationId: row.invocationId,
    messageId: row.id,
    content: streaming ? "" : row.content,
    ...(streaming ? { checkpoint: row.content } : {}),
    reasoning: "",
    tools: [],
    status: row.status,
    ...(row.error ? { error: row.error } : {}),
    provider: row.provider,
    model: row.model,
    usage: row.usage,
    latencyMs: row.latencyMs,
    ttftMs: row.ttftMs,
    createdAt: row.createdAt,
    lastSeq: 0,
  };
}

/** Stored rows (oldest first) -> chat items: each assistant turn with its reasoning and tool steps. */
export function itemsFromMessages(rows: readonly MessageDto[]): ChatItem[] {
  const items: ChatItem[] = [];
  const turns = new Map<string, AssistantTurn>();
  const extras: MessageDto[] = [];
  for (const row of rows) {
    if (row.role === "user") {
      items.push({ kind: "user", key: row.id, id: row.id, content: row.content, createdAt: row.createdAt });
    } else if (row.role === "assistant" && row.type === "message") {
      const turn = turnFromRow(row);
      items.push(turn);
      if (row.invocationId) turns.set(row.invocationId, turn);
    } else if (row.type === "thought" || row.type === "action") {
      extras.push(row);
    }
  }
  for (const row of extras) {
    const turn = row.invocationId ? turns.get(row.invocationId) : undefined;
    if (!turn) continue;
    if (row.type === "thought") turn.reasoning += row.content;
    else turn.tools.push(toolFromRow(row));
  }
  // A user message belongs to the turn that follows it.
  for (let i = 0; i + 1 < items.length; i++) {
    const user = items[i];
    const next = items[i + 1];
    if (user.kind === "user" && next.kind === "assistant" && next.invocationId) user.invocationId = next.invocationId;
  }
  return items;
}

function toolFromRow(row: MessageDto): ToolStep {
  const data = (row.data ?? {}) as { toolCallId?: string; name?: string; args?: unknown; result?: unknown; error?: string };
  return {
    toolCallId: data.toolCallId ?? row.id,
    name: data.name ?? row.content,
    args: data.args,
    ...(data.result !== undefined ? { result: data.result } : {}),
    ...(data.error !== undefined ? { error: data.error } : {}),
    done: true,
  };
}

function sameItem(a: ChatItem, b: ChatItem): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === "user" && b.kind === "user") {
    return (a.id !== undefined && a.id === b.id) || (a.invocationId !== undefined && a.invocationId === b.invocationId);
  }
  const x = a as AssistantTurn;
  const y = b as AssistantTurn;
  return (x.invocationId !== undefined && x.invocationId === y.invocationId) || (x.messageId !== undefined && x.messageId === y.messageId);
}

/** Which of a stored turn and the local one to keep. */
function mergeTurn(local: AssistantTurn, stored: AssistantTurn): AssistantTurn {
  if (isTerminal(stored.status)) {
    // Final truth from the database; keep live extras the rows may not carry yet.
    return {
      ...stored,
      key: local.key,
      reasoning: stored.reasoning || local.reasoning,
      tools: stored.tools.length ? stored.tools : local.tools,
      retryable: local.retryable,
      lastSeq: local.lastSeq,
    };
  }
  if (local.lastSeq > 0 || isTerminal(local.status)) return { ...local, checkpoint: stored.checkpoint };
  return { ...stored, key: local.key };
}

/**
 * Merges freshly fetched rows into what the pane already shows: stored rows are the truth for
 * finished turns, live text wins for running ones, optimistic items not stored yet stay last.
 */
export function mergeFetched(current: ChatItem[], fetched: ChatItem[]): ChatItem[] {
  const merged: ChatItem[] = fetched.map((stored) => {
    const local = current.find((item) => sameItem(item, stored));
    if (!local) return stored;
    if (stored.kind === "user") return { ...stored, key: local.key };
    return mergeTurn(local as AssistantTurn, stored);
  });
  const firstStored = fetched[0]?.createdAt;
  const older: ChatItem[] = [];
  const newer: ChatItem[] = [];
  for (const item of current) {
    if (fetched.some((stored) => sameItem(item, stored))) continue;
    // Rows older than the fetched page were paged in earlier; keep them. Newer local
    // items (optimistic, or a turn that started after the page was read) go after.
    if (firstStored && item.createdAt < firstStored && !isPendingItem(item)) older.push(item);
    else newer.push(item);
  }
  return [...older, ...merged, ...newer];
}

const isPendingItem = (item: ChatItem) => (item.kind === "user" ? item.pending === true : item.status === "pending");

/** Older rows paged in with ?before= go in front. */
export function prependOlder(current: ChatItem[], older: ChatItem[]): ChatItem[] {
  return [...older.filter((item) => !current.some((existing) => sameItem(existing, item))), ...current];
}

export interface ApplyResult {
  items: ChatItem[];
  /** Invocations whose events had a gap: resubscribe with afterSeq to fill it. */
  resync: { invocationId: string; afterSeq: number }[];
  /** A turn started elsewhere (another tab or program): fetch the rows to get its user message. */
  unknownTurn: boolean;
}

function findTurnIndex(items: ChatItem[], event: InvocationEvent): number {
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i];
    if (item.kind === "assistant" && (item.invocationId === event.invocationId || item.messageId === event.messageId)) return i;
  }
  return -1;
}

/** Applies a batch of events (in arrival order) for one conversation. */
export function applyEvents(items: ChatItem[], events: readonly InvocationEvent[], now: number = Date.now()): ApplyResult {
  let next = items;
  let copied = false;
  const resync = new Map<string, number>();
  let unknownTurn = false;

  for (const event of events) {
    let index = findTurnIndex(next, event);
    // A conversation runs one turn at a time, and in a conversation this socket already
    // follows, a turn's first events can arrive before the server's `accepted` reply: a new
    // turn starting while one of ours waits for that reply is ours.
    if (index < 0 && event.seq === 1) index = pendingTurnIndex(next);
    let turn: AssistantTurn;
    if (index < 0) {
      // A turn this pane has not seen: only follow it from its beginning (or a snapshot).
      if (event.seq !== 1 && event.type !== "snapshot") {
        if (!resync.has(event.invocationId)) resync.set(event.invocationId, 0);
        continue;
      }
      turn = {
        kind: "assistant",
        key: event.invocationId,
        invocationId: event.invocationId,
        messageId: event.messageId,
        content: "",
        reasoning: "",
        tools: [],
        status: "pending",
        createdAt: new Date(now).toISOString(),
        lastSeq: 0,
      };
      unknownTurn = true;
      if (!copied) (next = [...next]), (copied = true);
      next.push(turn);
      index = next.length - 1;
    } else {
      turn = next[index] as AssistantTurn;
      // A turn that was already finished when its rows were read: a replay adds nothing.
      if (turn.lastSeq === 0 && isTerminal(turn.status)) continue;
    }
    if (event.seq <= turn.lastSeq) continue;
    if (event.type !== "snapshot" && event.seq !== turn.lastSeq + 1) {
      if (!resync.has(event.invocationId)) resync.set(event.invocationId, turn.lastSeq);
      continue;
    }
    resync.delete(event.invocationId);
    if (!copied) (next = [...next]), (copied = true);
    const updated = applyEvent(turn, event, now);
    next[index] = updated;
    if (event.type === "start") linkUserMessage(next, index, event.userMessageId, event.invocationId);
  }
  return { items: next, resync: [...resync].map(([invocationId, afterSeq]) => ({ invocationId, afterSeq })), unknownTurn };
}

function pendingTurnIndex(items: ChatItem[]): number {
  const index = items.findLastIndex((item) => item.kind === "assistant" && item.status === "pending" && !item.invocationId);
  return index;
}

function linkUserMessage(items: ChatItem[], turnIndex: number, userMessageId: string, invocationId: string): void {
  const prev = items[turnIndex - 1];
  if (prev?.kind === "user" && (prev.invocationId === invocationId || prev.pending || prev.id === userMessageId)) {
    items[turnIndex - 1] = { ...prev, id: userMessageId, invocationId, pending: false };
  }
}

function applyEvent(turn: AssistantTurn, event: InvocationEvent, now: number): AssistantTurn {
  const base = { ...turn, lastSeq: event.seq, invocationId: event.invocationId, messageId: event.messageId };
  switch (event.type) {
    case "start":
      return { ...base, status: "streaming", provider: event.provider, model: event.model, content: "", reasoning: "", tools: [], startedAt: turn.startedAt ?? now };
    case "token":
      return {
        ...base,
        status: "streaming",
        content: turn.content + event.text,
        ...(turn.reasoning && turn.reasoningEndedAt === undefined ? { reasoningEndedAt: now } : {}),
      };
    case "thought":
      return { ...base, status: "streaming", reasoning: turn.reasoning + event.text };
    case "tool.call":
      return {
        ...base,
        status: "streaming",
        tools: [...turn.tools.filter((tool) => tool.toolCallId !== event.toolCallId), { toolCallId: event.toolCallId, name: event.name, args: event.args, done: false }],
      };
    case "tool.result":
      return {
        ...base,
        tools: turn.tools.map((tool) =>
          tool.toolCallId === event.toolCallId
            ? { ...tool, done: true, ...(event.error !== undefined ? { error: event.error } : { result: event.result }) }
            : tool,
        ),
      };
    case "snapshot":
      return { ...base, status: "streaming", content: event.content, reasoning: event.reasoning };
    case "done": {
      const message = event.message;
      const { checkpoint: _dropped, ...rest } = base;
      return {
        ...rest,
        content: message.content,
        status: message.status,
        provider: message.provider ?? turn.provider,
        model: message.model ?? turn.model,
        usage: message.usage,
        latencyMs: message.latencyMs,
        ttftMs: message.ttftMs,
        ...(message.error ? { error: message.error } : {}),
      };
    }
    case "error": {
      const { checkpoint, ...rest } = base;
      // The stored message keeps its partial text; replayed tokens rebuilt it, or the checkpoint has it.
      const content = turn.content || checkpoint || "";
      return { ...rest, content, status: "error", error: { code: event.code, message: event.message }, retryable: event.retryable };
    }
  }
}

/** Where to resume this conversation's stream from: its newest turn and the last seq applied. */
export function resumePoint(items: readonly ChatItem[]): { afterSeq: number; invocationId?: string } {
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i];
    if (item.kind === "assistant" && item.invocationId) return { afterSeq: item.lastSeq, invocationId: item.invocationId };
  }
  return { afterSeq: 0 };
}

/** The running turn, if any (what Stop cancels). */
export function runningTurn(items: readonly ChatItem[]): AssistantTurn | undefined {
  const last = items.at(-1);
  return last?.kind === "assistant" && isRunning(last) ? last : undefined;
}

/** The user message that started the turn at `turnIndex` (what Retry and Regenerate send again). */
export function promptOf(items: readonly ChatItem[], turnIndex: number): UserItem | undefined {
  for (let i = turnIndex - 1; i >= 0; i--) {
    const item = items[i];
    if (item.kind === "user") return item;
  }
  return undefined;
}

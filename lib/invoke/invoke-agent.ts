// The one place that turns "agent + message" into a persisted, streamed, published turn.
// HTTP (/api/invoke), the WebSocket `invoke` message and any future entry point call it.
import { randomUUID } from "node:crypto";
import { streamAgent, type RunPart } from "@/lib/agents/run";
import type { ChatMessage } from "@/lib/agents/types";
import { getAgentById, type AgentDto } from "@/lib/db/agents";
import { getConversationById } from "@/lib/db/conversations";
import { checkpointMessages, finishTurn, listHistory, startTurn, type StartedTurn, type TurnEnd } from "@/lib/db/messages";
import { AppError } from "@/lib/http/errors";
import { fitContext } from "@/lib/invoke/context";
import { titleFrom } from "@/lib/invoke/title";
import { getRegistry, type StopReason, type TurnOutcome } from "@/lib/invoke/registry";
import { logger } from "@/lib/logger";
import type { EventPayload } from "@/lib/realtime/events";
import { getHub, type InvocationChannel } from "@/lib/realtime/hub";

export interface InvokeInput {
  agentId: string;
  message: string;
  conversationId?: string;
}

export interface InvocationHandle {
  invocationId: string;
  conversationId: string;
  agentId: string;
  messageId: string;
  userMessageId: string;
  /** Settles when the turn has been stored in its final state. Never rejects. */
  done: Promise<TurnOutcome>;
}

/** While streaming, the partial answers are written at most this often (never per token). */
const CHECKPOINT_INTERVAL_MS = 1000;

/**
 * The partial text of every streaming answer, saved on one timer in one transaction, so a
 * crash loses at most about a second and 100 streaming turns cost one write a second, not 100.
 */
const checkpoints = {
  turns: new Map<string, TurnState>(),
  timer: undefined as NodeJS.Timeout | undefined,
  watch(messageId: string, turn: TurnState) {
    this.turns.set(messageId, turn);
    this.timer ??= setInterval(() => this.save(), CHECKPOINT_INTERVAL_MS).unref();
  },
  unwatch(messageId: string) {
    this.turns.delete(messageId);
    if (this.turns.size === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  },
  save() {
    const changed = [...this.turns].filter(([, turn]) => turn.content.length !== turn.checkpointed);
    if (changed.length === 0) return;
    for (const [, turn] of changed) turn.checkpointed = turn.content.length;
    getRegistry().stats.dbWrites += changed.length;
    checkpointMessages(changed.map(([id, turn]) => ({ id, content: turn.content }))).catch((err: unknown) =>
      logger.warn(`checkpoint of ${changed.length} streaming messages failed`, err),
    );
  },
};

/**
 * Validates and records the start of a turn, then streams it in the background.
 * Throws AppError (not_found, validation_error, conversation_busy) before writing anything.
 */
export async function invokeAgent(input: InvokeInput): Promise<InvocationHandle> {
  const registry = getRegistry();
  // Two independent reads, in flight together: each waits on the other's async hops otherwise.
  const [agent, conversation] = await Promise.all([
    getAgentById({ id: input.agentId }),
    input.conversationId ? getConversationById({ id: input.conversationId }) : null,
  ]);
  if (!agent || !agent.isActive) throw new AppError("not_found", `No active agent with id ${input.agentId}.`);
  if (input.conversationId && !conversation) {
    throw new AppError("not_found", `No conversation with id ${input.conversationId}.`);
  }
  if (conversation && conversation.agentId !== agent.id) {
    throw new AppError("validation_error", "This conversation belongs to another agent: invoke that agent or start a new conversation.", [
      { field: "conversationId", message: "belongs to another agent" },
    ]);
  }
  // Claim the conversation synchronously so two requests cannot both start a turn.
  if (conversation) {
    if (registry.busyConversations.has(conversation.id)) {
      throw new AppError("conversation_busy", "This conversation is still answering: wait for it or cancel it first.");
    }
    registry.busyConversations.add(conversation.id);
  }

  try {
    return await beginTurn(agent, input.message, conversation?.id);
  } catch (err) {
    if (conversation) registry.busyConversations.delete(conversation.id);
    throw err;
  }
}

async function beginTurn(agent: AgentDto, userText: string, conversationId?: string): Promise<InvocationHandle> {
  const registry = getRegistry();
  const history = conversationId ? await listHistory({ conversationId }) : [];
  const lastTime = history.at(-1)?.createdAt.getTime() ?? 0;
  // Rows are ordered by createdAt; keep each turn strictly after the previous one.
  const createdAt = new Date(Math.max(Date.now(), lastTime + 2));
  const invocationId = randomUUID();
  const controller = new AbortController();

  // The provider is asked before the start of the turn is written, not after: its first
  // token needs a network round trip and the model's own latency, the writes only need
  // the CPU, so overlapping them takes the writes out of the time to first token. Nothing
  // the provider sends is published until the turn is stored; if storing fails, the
  // request is aborted and the caller gets the error, as before.
  const stream = askProvider(agent, [...history, { role: "user", content: userText }], controller.signal);
  let started: StartedTurn | null;
  try {
    started = await startTurn({
      conversation: { id: conversationId, agentId: agent.id, title: titleFrom(userText) },
      userContent: userText,
      invocationId,
      provider: agent.provider,
      model: agent.model,
      createdAt,
    });
    if (!started) throw new AppError("not_found", `No conversation with id ${conversationId}.`);
  } catch (err) {
    controller.abort();
    stream.discard();
    throw err;
  }
  registry.stats.dbWrites++;
  registry.stats.started++;
  registry.busyConversations.add(started.conversationId);

  const meta = {
    invocationId,
    conversationId: started.conversationId,
    agentId: agent.id,
    messageId: started.assistantMessageId,
  };
  const channel = getHub().openInvocation(meta);
  const done = runTurn({
    agent,
    channel,
    signal: controller.signal,
    stream,
    end: {
      conversationId: meta.conversationId,
      assistantMessageId: meta.messageId,
      invocationId,
      createdAt: started.assistantCreatedAt,
    },
    start: { type: "start", userMessageId: started.userMessageId, provider: agent.provider, model: agent.model },
  }).finally(() => {
    registry.byId.delete(invocationId);
    registry.busyConversations.delete(meta.conversationId);
    registry.stats.finished++;
  });
  registry.byId.set(invocationId, { ...meta, controller, done });

  return { ...meta, userMessageId: started.userMessageId, done };
}

/** A provider stream already under way: its first part is being awaited while the turn is stored. */
type ProviderStream = {
  readonly startedAt: number;
  readonly estimatedInputTokens: number;
  /** Runs the stream's cleanup once its pending part has settled (a no-op once it has ended). */
  discard(): void;
} & (
  | { readonly first: Promise<IteratorResult<RunPart>>; readonly parts: AsyncGenerator<RunPart> }
  /** The provider could not be asked (the conversation does not fit the model): the turn's error. */
  | { readonly failure: unknown }
);

function askProvider(agent: AgentDto, history: ChatMessage[], signal: AbortSignal): ProviderStream {
  const startedAt = performance.now();
  let fitted: ReturnType<typeof fitContext>;
  try {
    fitted = fitContext({ system: agent.systemPrompt, messages: history, model: agent.model, maxOutputTokens: agent.maxTokens });
  } catch (failure) {
    return { startedAt, estimatedInputTokens: 0, failure, discard() {} };
  }
  const request = {
    system: agent.systemPrompt || undefined,
    messages: fitted.messages,
    temperature: agent.temperature,
    maxTokens: agent.maxTokens,
  };
  const parts = streamAgent(agent, request, signal);
  const first = parts.next();
  // Read later (or never, if storing the turn fails): handled now so an early failure is
  // not reported as an unhandled rejection in between.
  first.catch(() => {});
  return {
    startedAt,
    estimatedInputTokens: fitted.inputTokens,
    first,
    parts,
    discard: () => void parts.return(undefined).catch(() => {}),
  };
}

interface TurnContext {
  agent: AgentDto;
  channel: InvocationChannel;
  signal: AbortSignal;
  stream: ProviderStream;
  end: Pick<TurnEnd, "conversationId" | "assistantMessageId" | "invocationId" | "createdAt">;
  start: Extract<EventPayload, { type: "start" }>;
}

/** Streams the provider into events and the database; always ends with `done` or `error`. */
async function runTurn({ agent, channel, signal, stream, end, start }: TurnContext): Promise<TurnOutcome> {
  const registry = getRegistry();
  // Yield once so the caller registers the invocation (cancel works from the first event).
  await Promise.resolve();
  channel.emit(start);
  const turn = new TurnState(agent, stream.startedAt);

  checkpoints.watch(end.assistantMessageId, turn);
  try {
    turn.estimatedInputTokens = stream.estimatedInputTokens;
    if ("failure" in stream) throw stream.failure;
    for (let next = await stream.first; !next.done; next = await stream.parts.next()) {
      const event = turn.apply(next.value);
      if (event) channel.emit(event);
    }
  } catch (err) {
    turn.failure = describeFailure(err);
  } finally {
    stream.discard();
    // A checkpoint already asked for is committed before the final write (writes commit in order).
    checkpoints.unwatch(end.assistantMessageId);
  }

  const stopReason = signal.aborted ? (signal.reason as StopReason) : undefined;
  registry.stats.dbWrites++;
  const outcome = await storeOutcome(turn, end, stopReason);
  channel.emit(outcome.error ? { type: "error", ...outcome.error } : { type: "done", message: outcome.message });
  channel.end();
  return outcome;
}

/** What one turn has produced so far, built from the provider's parts. */
class TurnState {
  content = "";
  /** Length of `content` when it was last saved. */
  checkpointed = 0;
  reasoning = "";
  firstPartAt?: number;
  used: { provider: string; model: string };
  usage?: { inputTokens: number; outputTokens: number };
  estimatedInputTokens = 0;
  failure?: TurnFailure;
  readonly actions = new Map<string, TurnEnd["actions"][number]>();

  /** `startedAt`: when the provider was asked; latency and time to first part count from there. */
  constructor(
    agent: AgentDto,
    readonly startedAt: number,
  ) {
    this.used = { provider: agent.provider, model: agent.model };
  }

  /** Records a part and returns the event to publish for it, if any. */
  apply(part: RunPart): EventPayload | undefined {
    switch (part.type) {
      case "route":
        this.used = { provider: part.provider, model: part.model };
        return undefined;
      case "finish":
        this.usage = part.usage;
        return undefined;
      case "error":
        this.failure = { code: part.code, message: part.message, retryable: part.retryable };
        return undefined;
    }
    this.firstPartAt ??= performance.now();
    switch (part.type) {
      case "text-delta":
        this.content += part.text;
        return { type: "token", text: part.text };
      case "reasoning-delta":
        this.reasoning += part.text;
        return { type: "thought", text: part.text };
      case "tool-call":
        this.actions.set(part.id, { toolCallId: part.id, name: part.name, args: part.args });
        return { type: "tool.call", toolCallId: part.id, name: part.name, args: part.args };
      case "tool-result": {
        const outcome = part.error ? { error: part.error } : { result: part.result };
        const action = this.actions.get(part.id);
        if (action) Object.assign(action, outcome);
        return { type: "tool.result", toolCallId: part.id, ...outcome };
      }
    }
  }
}

/** Writes the final state in one transaction. Never throws: a database failure becomes the turn's error. */
async function storeOutcome(turn: TurnState, end: TurnContext["end"], stopReason?: StopReason): Promise<TurnOutcome> {
  const status = stopReason === "shutdown" ? "interrupted" : stopReason ? "cancelled" : turn.failure ? "error" : "complete";
  const failure = status === "error" ? turn.failure : undefined;
  try {
    const message = await finishTurn({
      ...end,
      assistant: {
        content: turn.content,
        status,
        provider: turn.used.provider,
        model: turn.used.model,
        inputTokens: turn.usage?.inputTokens || turn.estimatedInputTokens,
        ...(turn.usage ? { outputTokens: turn.usage.outputTokens } : {}),
        latencyMs: Math.round(performance.now() - turn.startedAt),
        ...(turn.firstPartAt !== undefined ? { ttftMs: Math.round(turn.firstPartAt - turn.startedAt) } : {}),
        ...(failure ? { errorCode: failure.code, errorMessage: failure.message } : {}),
      },
      reasoning: turn.reasoning || undefined,
      actions: [...turn.actions.values()],
    });
    return failure ? { message, error: failure } : { message };
  } catch (err) {
    // The row stays `streaming` and becomes `interrupted` at the next start.
    return { message: unsavedMessage(end, turn.content), error: describeFailure(err) };
  }
}

type TurnFailure = NonNullable<TurnOutcome["error"]>;

function describeFailure(err: unknown): TurnFailure {
  if (err instanceof AppError) return { code: err.code, message: err.message, retryable: false };
  logger.error("invocation failed", err);
  return { code: "internal", message: "The turn failed on the server; the details are in the server log.", retryable: true };
}

/** The assistant message as it stands when its final write failed. */
function unsavedMessage(end: TurnContext["end"], content: string): TurnOutcome["message"] {
  return {
    id: end.assistantMessageId,
    conversationId: end.conversationId,
    role: "assistant",
    type: "message",
    content,
    status: "streaming",
    invocationId: end.invocationId,
    createdAt: end.createdAt.toISOString(),
  };
}


// The one place that turns "agent + message" into a persisted, streamed, published turn.
// HTTP (/api/invoke), the WebSocket `invoke` message and any future entry point call it.
import { randomUUID } from "node:crypto";
import { streamAgent } from "@/lib/agents/run";
import { getAgentById, type AgentDto } from "@/lib/db/agents";
import { getConversationById } from "@/lib/db/conversations";
import { checkpointMessage, finishTurn, listHistory, startTurn, type TurnEnd } from "@/lib/db/messages";
import { AppError, ERROR_STATUS, type ErrorCode } from "@/lib/http/errors";
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

/** While streaming, the partial answer is written at most this often (never per token). */
const CHECKPOINT_INTERVAL_MS = 1000;

/**
 * Validates and records the start of a turn, then streams it in the background.
 * Throws AppError (not_found, validation_error, conversation_busy) before writing anything.
 */
export async function invokeAgent(input: InvokeInput): Promise<InvocationHandle> {
  const registry = getRegistry();
  const agent = await getAgentById({ id: input.agentId });
  if (!agent || !agent.isActive) throw new AppError("not_found", `No active agent with id ${input.agentId}.`);

  const conversation = input.conversationId ? await getConversationById({ id: input.conversationId }) : null;
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

  const started = await startTurn({
    conversation: { id: conversationId, agentId: agent.id, title: titleFrom(userText) },
    userContent: userText,
    invocationId,
    provider: agent.provider,
    model: agent.model,
    createdAt,
  });
  registry.stats.dbWrites++;
  registry.stats.started++;
  registry.busyConversations.add(started.conversation.id);

  const meta = {
    invocationId,
    conversationId: started.conversation.id,
    agentId: agent.id,
    messageId: started.assistantMessage.id,
  };
  const channel = getHub().openInvocation(meta);
  const controller = new AbortController();
  const done = runTurn({
    agent,
    channel,
    signal: controller.signal,
    history: [...history, { role: "user", content: userText }],
    end: {
      conversationId: meta.conversationId,
      assistantMessageId: meta.messageId,
      invocationId,
      createdAt: started.assistantMessage.createdAt,
    },
    start: { type: "start", userMessageId: started.userMessage.id, provider: agent.provider, model: agent.model },
  }).finally(() => {
    registry.byId.delete(invocationId);
    registry.busyConversations.delete(meta.conversationId);
    registry.stats.finished++;
  });
  registry.byId.set(invocationId, { ...meta, controller, done });

  return {
    invocationId,
    conversationId: started.conversation.id,
    agentId: agent.id,
    messageId: started.assistantMessage.id,
    userMessageId: started.userMessage.id,
    done,
  };
}

interface TurnContext {
  agent: AgentDto;
  channel: InvocationChannel;
  signal: AbortSignal;
  history: { role: "user" | "assistant"; content: string }[];
  end: Pick<TurnEnd, "conversationId" | "assistantMessageId" | "invocationId" | "createdAt">;
  start: Extract<EventPayload, { type: "start" }>;
}

/** Streams the provider into events and the database; always ends with `done` or `error`. */
async function runTurn({ agent, channel, signal, history, end, start }: TurnContext): Promise<TurnOutcome> {
  const registry = getRegistry();
  // Yield once so the caller registers the invocation (cancel works from the first event).
  await Promise.resolve();
  channel.emit(start);
  const startedAt = performance.now();
  let content = "";
  let reasoning = "";
  let firstPartAt: number | undefined;
  let used = { provider: agent.provider as string, model: agent.model };
  let usage: { inputTokens: number; outputTokens: number } | undefined;
  let failure: { code: string; message: string; retryable: boolean } | undefined;
  let estimatedInput = 0;
  const actions = new Map<string, TurnEnd["actions"][number]>();

  // Throttled checkpoint of the partial answer, so a crash loses at most about a second.
  let checkpointed = 0;
  let writing: Promise<void> | undefined;
  const timer = setInterval(() => {
    if (writing || content.length === checkpointed) return;
    checkpointed = content.length;
    registry.stats.dbWrites++;
    writing = checkpointMessage({ id: end.assistantMessageId, content })
      .catch((err: unknown) => logger.warn(`checkpoint of message ${end.assistantMessageId} failed`, err))
      .finally(() => (writing = undefined));
  }, CHECKPOINT_INTERVAL_MS);
  timer.unref();

  try {
    const fitted = fitContext({
      system: agent.systemPrompt,
      messages: history,
      model: agent.model,
      maxOutputTokens: agent.maxTokens,
    });
    estimatedInput = fitted.inputTokens;
    const parts = streamAgent(
      agent,
      { system: agent.systemPrompt || undefined, messages: fitted.messages, temperature: agent.temperature, maxTokens: agent.maxTokens },
      signal,
    );
    for await (const part of parts) {
      if (part.type !== "route" && part.type !== "finish" && part.type !== "error") firstPartAt ??= performance.now();
      switch (part.type) {
        case "route":
          used = { provider: part.provider, model: part.model };
          break;
        case "text-delta":
          content += part.text;
          channel.emit({ type: "token", text: part.text });
          break;
        case "reasoning-delta":
          reasoning += part.text;
          channel.emit({ type: "thought", text: part.text });
          break;
        case "tool-call":
          actions.set(part.id, { toolCallId: part.id, name: part.name, args: part.args });
          channel.emit({ type: "tool.call", toolCallId: part.id, name: part.name, args: part.args });
          break;
        case "tool-result": {
          const action = actions.get(part.id);
          if (action) Object.assign(action, part.error ? { error: part.error } : { result: part.result });
          channel.emit({ type: "tool.result", toolCallId: part.id, ...(part.error ? { error: part.error } : { result: part.result }) });
          break;
        }
        case "finish":
          usage = part.usage;
          break;
        case "error":
          failure = { code: part.code, message: part.message, retryable: part.retryable };
          break;
      }
    }
  } catch (err) {
    failure = describeFailure(err);
  } finally {
    clearInterval(timer);
    await writing;
  }

  const stopReason = signal.aborted ? (signal.reason as StopReason) : undefined;
  const status = stopReason === "shutdown" ? "interrupted" : stopReason ? "cancelled" : failure ? "error" : "complete";
  const outputTokens = usage?.outputTokens;
  try {
    registry.stats.dbWrites++;
    const message = await finishTurn({
      ...end,
      assistant: {
        content,
        status,
        provider: used.provider,
        model: used.model,
        inputTokens: usage?.inputTokens || estimatedInput,
        ...(outputTokens !== undefined ? { outputTokens } : {}),
        latencyMs: Math.round(performance.now() - startedAt),
        ...(firstPartAt !== undefined ? { ttftMs: Math.round(firstPartAt - startedAt) } : {}),
        ...(status === "error" && failure ? { errorCode: failure.code, errorMessage: failure.message } : {}),
      },
      reasoning: reasoning || undefined,
      actions: [...actions.values()],
    });
    if (status === "error" && failure) {
      channel.emit({ type: "error", ...failure });
      return { message, error: failure };
    }
    channel.emit({ type: "done", message });
    return { message };
  } catch (err) {
    // The database failed at the very end: report it on the stream; the row stays `streaming`
    // and becomes `interrupted` at the next start.
    const error = describeFailure(err);
    channel.emit({ type: "error", ...error });
    return { message: placeholderMessage(end, content), error };
  } finally {
    channel.end();
  }
}

function describeFailure(err: unknown): { code: string; message: string; retryable: boolean } {
  if (err instanceof AppError) return { code: err.code, message: err.message, retryable: false };
  logger.error("invocation failed", err);
  return { code: "internal", message: "The turn failed on the server; the details are in the server log.", retryable: true };
}

function placeholderMessage(end: TurnContext["end"], content: string): TurnOutcome["message"] {
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

/** HTTP status for a turn's error code (stream:false answers with it). */
export function statusForCode(code: string): number {
  return ERROR_STATUS[code as ErrorCode] ?? 502;
}

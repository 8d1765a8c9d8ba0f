// Running invocations, shared by server.ts (WebSocket invoke/cancel) and Next's route
// handlers (HTTP invoke/cancel) through a typed globalThis slot: they load this module
// in separate module graphs, and both must see the same "busy" and "cancel" state.
import type { ErrorCode } from "@/lib/http/errors";
import type { MessageDto } from "@/lib/realtime/events";

export type StopReason = "cancelled" | "shutdown";

export interface TurnOutcome {
  message: MessageDto;
  error?: { code: ErrorCode; message: string; retryable: boolean };
}

export interface RunningInvocation {
  invocationId: string;
  conversationId: string;
  agentId: string;
  messageId: string;
  controller: AbortController;
  done: Promise<TurnOutcome>;
}

interface Registry {
  byId: Map<string, RunningInvocation>;
  /** Conversation ids with a turn in progress, claimed before the first await. */
  busyConversations: Set<string>;
  stats: { started: number; finished: number; dbWrites: number };
}

const slot = globalThis as typeof globalThis & { __agentNexusInvocations?: Registry };

export function getRegistry(): Registry {
  slot.__agentNexusInvocations ??= {
    byId: new Map(),
    busyConversations: new Set(),
    stats: { started: 0, finished: 0, dbWrites: 0 },
  };
  return slot.__agentNexusInvocations;
}

/** Aborts a running invocation; false when it is not running (finished or unknown). */
export function cancelInvocation(invocationId: string, reason: StopReason = "cancelled"): boolean {
  const running = getRegistry().byId.get(invocationId);
  if (!running || running.controller.signal.aborted) return false;
  running.controller.abort(reason);
  return true;
}

/** The running invocation of a conversation, if any. */
export function findRunningByConversation(conversationId: string): RunningInvocation | undefined {
  for (const running of getRegistry().byId.values()) {
    if (running.conversationId === conversationId) return running;
  }
  return undefined;
}

/** Graceful shutdown: stop every turn and wait until each has written its final state. */
export async function stopAllInvocations(): Promise<void> {
  const running = [...getRegistry().byId.values()];
  for (const invocation of running) invocation.controller.abort("shutdown" satisfies StopReason);
  await Promise.allSettled(running.map((invocation) => invocation.done));
}

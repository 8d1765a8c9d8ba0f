"use client";
import { memo } from "react";
import { AgentAvatar } from "@/components/agents/agent-avatar";
import { CopyButton } from "@/components/chat/copy-button";
import { MarkdownView } from "@/components/chat/markdown";
import { ThinkingBlock } from "@/components/chat/thinking-block";
import { ToolTimeline } from "@/components/chat/tool-timeline";
import { TypingIndicator } from "@/components/chat/typing-indicator";
import { RegenerateIcon, WarningIcon } from "@/components/ui/icons";
import { isRunning, visibleText, type AssistantTurn } from "@/lib/client/conversation-state";
import { errorAdvice, formatDuration, formatTokens, tokensPerSecond } from "@/lib/client/format";
import type { AgentDto } from "@/lib/client/types";

interface AssistantMessageProps {
  turn: AssistantTurn;
  index: number;
  agent: AgentDto | undefined;
  /** The newest turn gets Regenerate and stays out of lazy rendering. */
  isLast: boolean;
  onRetry: (index: number) => void;
}

export const AssistantMessage = memo(function AssistantMessage({ turn, index, agent, isLast, onRetry }: AssistantMessageProps) {
  const running = isRunning(turn);
  const text = visibleText(turn);
  const waiting = running && text === "" && turn.reasoning === "" && turn.tools.length === 0;
  const thinking = running && text === "" && turn.reasoning !== "";
  const thoughtFor = turn.startedAt && turn.reasoningEndedAt ? turn.reasoningEndedAt - turn.startedAt : undefined;

  return (
    <article
      className={`group flex gap-3 ${!isLast && !running ? "offscreen-lazy" : ""}`}
      data-testid="assistant-message"
      data-status={turn.status}
      aria-busy={running}
      aria-label={`${agent?.name ?? "Assistant"} answer`}
    >
      <div className="hidden pt-0.5 sm:block">
        <AgentAvatar agent={agent} size="sm" />
      </div>
      <div className="min-w-0 flex-1">
        {turn.reasoning ? <ThinkingBlock text={turn.reasoning} thinking={thinking} durationMs={thoughtFor} /> : null}
        {turn.tools.length ? <ToolTimeline tools={turn.tools} /> : null}
        {waiting ? <TypingIndicator /> : null}
        {text ? (
          <div data-testid="message-content" className="text-[15px] text-zinc-800 dark:text-zinc-200">
            <MarkdownView text={text} />
          </div>
        ) : null}
        {turn.status === "cancelled" ? <p className="mt-2 text-xs text-zinc-500 italic" data-testid="stopped-note">Stopped</p> : null}
        {turn.status === "interrupted" ? (
          <p className="mt-2 text-xs text-zinc-500 italic">The server stopped before this answer finished.</p>
        ) : null}
        {turn.status === "error" && turn.error ? <TurnError error={turn.error} onRetry={() => onRetry(index)} /> : null}
        {!running ? <TurnFooter turn={turn} text={text} showRegenerate={isLast && turn.status !== "error"} onRegenerate={() => onRetry(index)} /> : null}
      </div>
    </article>
  );
});

function TurnError({ error, onRetry }: { error: { code: string; message: string }; onRetry: () => void }) {
  const advice = errorAdvice(error.code);
  return (
    <div role="alert" data-testid="message-error" data-code={error.code} className="mt-2 flex flex-col gap-2 rounded-xl border border-red-200 bg-red-50 px-3.5 py-3 text-sm sm:flex-row sm:items-start dark:border-red-500/30 dark:bg-red-500/10">
      <WarningIcon size={18} className="mt-0.5 shrink-0 text-red-500" />
      <div className="min-w-0 flex-1">
        <p className="font-medium break-words text-red-800 dark:text-red-200">{error.message}</p>
        {advice ? <p className="mt-0.5 text-red-700/80 dark:text-red-300/80">{advice}</p> : null}
      </div>
      <button type="button" onClick={onRetry} className="btn-secondary shrink-0 self-start py-1.5" data-testid="retry-button">
        <RegenerateIcon size={15} />
        Retry
      </button>
    </div>
  );
}

function TurnFooter({ turn, text, showRegenerate, onRegenerate }: { turn: AssistantTurn; text: string; showRegenerate: boolean; onRegenerate: () => void }) {
  const speed = tokensPerSecond(turn.usage, turn.latencyMs, turn.ttftMs);
  const details = [
    turn.model,
    turn.usage ? `${formatTokens(turn.usage)} tokens` : undefined,
    turn.latencyMs !== undefined ? formatDuration(turn.latencyMs) : undefined,
    turn.ttftMs !== undefined ? `first token ${formatDuration(turn.ttftMs)}` : undefined,
    speed,
  ].filter(Boolean);
  return (
    <div className="mt-1.5 flex flex-wrap items-center gap-x-1 gap-y-1">
      {text ? <CopyButton text={text} label="Copy answer" testId="copy-answer" /> : null}
      {showRegenerate ? (
        <button
          type="button"
          onClick={onRegenerate}
          data-testid="regenerate-button"
          aria-label="Regenerate answer"
          title="Regenerate answer"
          className="inline-flex h-7 items-center gap-1.5 rounded-md px-2 text-xs text-zinc-500 transition-colors hover:bg-zinc-200/70 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-700/60 dark:hover:text-zinc-100"
        >
          <RegenerateIcon size={14} />
        </button>
      ) : null}
      {details.length ? (
        <p className="ml-1 text-xs text-zinc-400 tabular-nums dark:text-zinc-500" data-testid="message-meta" title={turn.provider ? `Provider: ${turn.provider}` : undefined}>
          {details.join(" · ")}
        </p>
      ) : null}
    </div>
  );
}

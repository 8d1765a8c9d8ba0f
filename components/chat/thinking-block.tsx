"use client";
import { useState } from "react";
import { ChevronIcon, SparkIcon } from "@/components/ui/icons";
import { formatDuration } from "@/lib/client/format";

/**
 * The model's reasoning, collapsible. Open while the model is still thinking (so people see
 * it work), closed once the answer starts, unless the reader opened or closed it themselves.
 */
export function ThinkingBlock({ text, thinking, durationMs }: { text: string; thinking: boolean; durationMs?: number }) {
  const [choice, setChoice] = useState<boolean | null>(null);
  const open = choice ?? thinking;
  // Under a second says nothing useful ("Thought for 40 ms"): then just "Thoughts".
  const title = thinking ? "Thinking…" : durationMs !== undefined && durationMs >= 1000 ? `Thought for ${formatDuration(durationMs)}` : "Thoughts";
  return (
    <div className="mb-3" data-testid="thinking-block" data-open={open}>
      <button
        type="button"
        aria-expanded={open}
        onClick={() => setChoice(!open)}
        className="inline-flex items-center gap-1.5 rounded-md py-1 pr-2 text-sm text-zinc-500 transition-colors hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100"
      >
        <SparkIcon size={15} className={thinking ? "animate-pulse text-indigo-500" : ""} />
        <span>{title}</span>
        <ChevronIcon size={14} className={`transition-transform ${open ? "rotate-90" : ""}`} />
      </button>
      {open ? (
        <div className="mt-1 max-h-80 overflow-y-auto border-l-2 border-zinc-200 pl-3 text-sm leading-relaxed whitespace-pre-wrap text-zinc-500 dark:border-zinc-700 dark:text-zinc-400" data-testid="thinking-text">
          {text}
        </div>
      ) : null}
    </div>
  );
}

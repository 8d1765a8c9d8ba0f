"use client";
import { CheckIcon, ToolIcon, WarningIcon } from "@/components/ui/icons";
import type { ToolStep } from "@/lib/client/conversation-state";

function preview(value: unknown): string {
  if (value === undefined) return "";
  const text = typeof value === "string" ? value : JSON.stringify(value, null, 2);
  return text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
}

/** Tool steps in the order the model took them: name, arguments, and the result or error. */
export function ToolTimeline({ tools }: { tools: ToolStep[] }) {
  return (
    <ol className="mb-3 space-y-1.5 border-l-2 border-zinc-200 pl-3 dark:border-zinc-700" data-testid="tool-timeline" aria-label="Tool steps">
      {tools.map((tool) => {
        const state = !tool.done ? "running" : tool.error !== undefined ? "failed" : "done";
        return (
          <li key={tool.toolCallId} className="text-sm" data-testid="tool-step" data-state={state}>
            <details className="group">
              <summary className="inline-flex cursor-pointer list-none items-center gap-2 rounded-md py-0.5 text-zinc-600 hover:text-zinc-900 dark:text-zinc-300 dark:hover:text-zinc-100">
                <span className="relative -ml-[1.2rem] inline-flex h-4 w-4 items-center justify-center rounded-full bg-white dark:bg-zinc-950">
                  {state === "running" ? (
                    <span className="h-2 w-2 animate-pulse rounded-full bg-indigo-500" />
                  ) : state === "failed" ? (
                    <WarningIcon size={13} className="text-red-500" />
                  ) : (
                    <CheckIcon size={13} className="text-emerald-500" />
                  )}
                </span>
                <ToolIcon size={14} />
                <span className="font-mono text-[13px]">{tool.name}</span>
                <span className="text-xs text-zinc-400">{state === "running" ? "running…" : state === "failed" ? "failed" : ""}</span>
              </summary>
              <div className="mt-1 space-y-1.5 pb-1">
                <pre className="overflow-x-auto rounded-lg bg-zinc-50 p-2 font-mono text-xs dark:bg-zinc-900">{preview(tool.args)}</pre>
                {tool.error !== undefined ? (
                  <pre className="overflow-x-auto rounded-lg bg-red-50 p-2 font-mono text-xs text-red-700 dark:bg-red-500/10 dark:text-red-300">{tool.error}</pre>
                ) : tool.done ? (
                  <pre className="overflow-x-auto rounded-lg bg-zinc-50 p-2 font-mono text-xs dark:bg-zinc-900">{preview(tool.result)}</pre>
                ) : null}
              </div>
            </details>
          </li>
        );
      })}
    </ol>
  );
}

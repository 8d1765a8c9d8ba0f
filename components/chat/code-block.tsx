"use client";
import type { ReactNode } from "react";
import { CopyButton } from "@/components/chat/copy-button";

/** A fenced code block: language label, copy button, horizontally scrolling code. */
export function CodeBlock({ language, text, children }: { language?: string; text: string; children: ReactNode }) {
  return (
    <div className="code-block overflow-hidden rounded-xl border border-zinc-200 bg-zinc-50 dark:border-zinc-800 dark:bg-zinc-900/70" data-testid="code-block">
      <div className="flex items-center justify-between border-b border-zinc-200 bg-zinc-100/70 py-1 pr-1 pl-3 dark:border-zinc-800 dark:bg-zinc-800/50">
        <span className="font-mono text-xs text-zinc-500 dark:text-zinc-400">{language ?? "text"}</span>
        <CopyButton text={text} label="Copy code" showText />
      </div>
      <pre>{children}</pre>
    </div>
  );
}

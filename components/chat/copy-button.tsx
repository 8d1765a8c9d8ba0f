"use client";
import { useEffect, useState } from "react";
import { CheckIcon, CopyIcon } from "@/components/ui/icons";

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // Clipboard API needs a secure context; fall back to a hidden textarea.
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    const ok = document.execCommand("copy");
    area.remove();
    return ok;
  }
}

/** Copies `text`; says "Copied" for a moment (also to screen readers). */
export function CopyButton({ text, label, showText = false, testId }: { text: string; label: string; showText?: boolean; testId?: string }) {
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), 1500);
    return () => clearTimeout(timer);
  }, [copied]);
  return (
    <button
      type="button"
      aria-label={copied ? "Copied" : label}
      title={label}
      data-testid={testId}
      onClick={async () => setCopied(await copyText(text))}
      className="inline-flex h-7 items-center gap-1.5 rounded-md px-2 text-xs text-zinc-500 transition-colors hover:bg-zinc-200/70 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-700/60 dark:hover:text-zinc-100"
    >
      {copied ? <CheckIcon size={14} /> : <CopyIcon size={14} />}
      {showText ? <span aria-live="polite">{copied ? "Copied" : "Copy"}</span> : <span className="sr-only" aria-live="polite">{copied ? "Copied" : ""}</span>}
    </button>
  );
}

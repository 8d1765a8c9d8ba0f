"use client";
// Where messages are written. Enter sends, Shift+Enter breaks the line (and an IME
// composition is never interrupted). While an answer streams, Send becomes Stop.
import { useLayoutEffect, useRef, useState } from "react";
import { SendIcon, StopIcon } from "@/components/ui/icons";

export const COMPOSER_ID = "composer-input";
const MAX_CHARS = 32_000;

interface ComposerProps {
  agentName: string | undefined;
  disabledReason?: string;
  running: boolean;
  onSend: (text: string) => void;
  onStop: () => void;
  notice?: React.ReactNode;
}

export function Composer({ agentName, disabledReason, running, onSend, onStop, notice }: ComposerProps) {
  const [text, setText] = useState("");
  const area = useRef<HTMLTextAreaElement>(null);
  const trimmed = text.trim();
  const tooLong = text.length > MAX_CHARS;
  const canSend = !running && !disabledReason && trimmed !== "" && !tooLong;

  // Grow with the text up to a limit, then scroll. Where CSS can size the box to its content,
  // it does, and typing never forces a layout of the page from script.
  useLayoutEffect(() => {
    const element = area.current;
    if (!element || CSS.supports("field-sizing", "content")) return;
    element.style.height = "auto";
    element.style.height = `${Math.min(element.scrollHeight, 240)}px`;
  }, [text]);

  const send = () => {
    if (!canSend) return;
    onSend(trimmed);
    setText("");
  };

  return (
    <div className="border-t border-zinc-100 bg-white/80 px-3 pt-3 pb-[max(0.75rem,env(safe-area-inset-bottom))] backdrop-blur sm:px-6 dark:border-zinc-900 dark:bg-zinc-950/80">
      <div className="mx-auto w-full max-w-3xl">
        {notice}
        <form
          onSubmit={(event) => {
            event.preventDefault();
            send();
          }}
          className="flex items-end gap-2 rounded-2xl border border-zinc-300 bg-white p-2 shadow-sm transition-colors focus-within:border-indigo-400 dark:border-zinc-700 dark:bg-zinc-900 dark:focus-within:border-indigo-500"
        >
          <label htmlFor={COMPOSER_ID} className="sr-only">
            Message {agentName ?? "the agent"}
          </label>
          <textarea
            ref={area}
            id={COMPOSER_ID}
            data-testid="composer-input"
            rows={1}
            value={text}
            onChange={(event) => setText(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
                event.preventDefault();
                send();
              }
            }}
            placeholder={disabledReason ?? `Message ${agentName ?? "the agent"}…`}
            aria-describedby="composer-hint"
            className="field-sizing-content max-h-60 min-h-10 flex-1 resize-none bg-transparent px-2 py-2 text-[15px] leading-6 outline-none placeholder:text-zinc-400 focus-visible:outline-none dark:placeholder:text-zinc-500"
          />
          {running ? (
            <button
              type="button"
              onClick={onStop}
              data-testid="stop-button"
              aria-label="Stop the answer"
              title="Stop (Esc)"
              className="inline-flex h-10 w-10 shrink-0 items-center justify-center rounded-xl bg-zinc-900 text-white transition-colors hover:bg-zinc-700 dark:bg-zinc-100 dark:text-zinc-900 dark:hover:bg-zinc-300"
            >
              <StopIcon size={18} />
            </button>
          ) : (
            <button
              type="submit"
              disabled={!canSend}
              data-testid="send-button"
              aria-label="Send message"
              title="Send (Enter)"
              className="inline-flex h-10 w-10 shrink-0 items-center justify-center rounded-xl bg-indigo-600 text-white transition-colors hover:bg-indigo-500 disabled:bg-zinc-200 disabled:text-zinc-400 dark:disabled:bg-zinc-800 dark:disabled:text-zinc-600"
            >
              <SendIcon size={18} />
            </button>
          )}
        </form>
        <p id="composer-hint" className="mt-1.5 hidden px-2 text-center text-[11px] text-zinc-400 sm:block dark:text-zinc-500">
          {tooLong ? (
            <span className="text-red-600 dark:text-red-400">
              {text.length.toLocaleString("en-US")} / {MAX_CHARS.toLocaleString("en-US")} characters: shorten the message to send it.
            </span>
          ) : (
            <>
              <kbd className="kbd">Enter</kbd> to send · <kbd className="kbd">Shift</kbd>+<kbd className="kbd">Enter</kbd> for a new line
            </>
          )}
        </p>
      </div>
    </div>
  );
}

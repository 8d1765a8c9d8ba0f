"use client";
import { useEffect, useId, useRef, useState } from "react";
import { KeyboardIcon } from "@/components/ui/icons";

const SHORTCUTS: { keys: string[]; action: string }[] = [
  { keys: ["Ctrl", "Shift", "O"], action: "New chat" },
  { keys: ["/"], action: "Focus the message box" },
  { keys: ["Esc"], action: "Stop the answer" },
  { keys: ["Ctrl", "K"], action: "Search conversations" },
  { keys: ["Enter"], action: "Send" },
  { keys: ["Shift", "Enter"], action: "New line" },
  { keys: ["?"], action: "Show these shortcuts" },
];

/** A button with a popover listing the keyboard shortcuts; "?" toggles it too. */
export function ShortcutsHelp() {
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const root = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const toggle = () => setOpen((value) => !value);
    window.addEventListener("agent-nexus:shortcuts", toggle);
    return () => window.removeEventListener("agent-nexus:shortcuts", toggle);
  }, []);

  useEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") {
        event.stopPropagation();
        setOpen(false);
      }
    };
    const onPointer = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    window.addEventListener("keydown", onKey, true);
    window.addEventListener("pointerdown", onPointer);
    return () => {
      window.removeEventListener("keydown", onKey, true);
      window.removeEventListener("pointerdown", onPointer);
    };
  }, [open]);

  const mac = typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform);
  return (
    <div className="relative" ref={root}>
      <button
        type="button"
        aria-label="Keyboard shortcuts"
        title="Keyboard shortcuts (?)"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen(!open)}
        data-testid="shortcuts-button"
        className="inline-flex h-9 w-9 items-center justify-center rounded-lg text-zinc-500 transition-colors hover:bg-zinc-100 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-zinc-100"
      >
        <KeyboardIcon size={18} />
      </button>
      {open ? (
        <div
          id={panelId}
          role="dialog"
          aria-label="Keyboard shortcuts"
          className="absolute top-11 right-0 z-30 w-72 rounded-xl border border-zinc-200 bg-white p-3 shadow-xl dark:border-zinc-800 dark:bg-zinc-900"
          data-testid="shortcuts-panel"
        >
          <p className="mb-2 text-xs font-semibold tracking-wide text-zinc-500 uppercase">Keyboard shortcuts</p>
          <dl className="space-y-1.5">
            {SHORTCUTS.map((shortcut) => (
              <div key={shortcut.action} className="flex items-center justify-between gap-3 text-sm">
                <dt className="text-zinc-700 dark:text-zinc-300">{shortcut.action}</dt>
                <dd className="flex gap-1">
                  {shortcut.keys.map((key) => (
                    <kbd key={key} className="kbd">
                      {key === "Ctrl" && mac ? "⌘" : key}
                    </kbd>
                  ))}
                </dd>
              </div>
            ))}
          </dl>
        </div>
      ) : null}
    </div>
  );
}

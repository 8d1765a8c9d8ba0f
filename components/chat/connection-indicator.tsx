"use client";
import { useEffect, useState } from "react";
import { useChatStore } from "@/lib/client/store";

/** Live / connecting / reconnecting (with the countdown), from the WebSocket session. */
export function ConnectionIndicator() {
  const connection = useChatStore((state) => state.connection);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (connection.status !== "reconnecting") return;
    const timer = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(timer);
  }, [connection.status]);

  const seconds = connection.retryAt ? Math.max(0, Math.ceil((connection.retryAt - now) / 1000)) : 0;
  const label =
    connection.status === "open"
      ? "Live"
      : connection.status === "connecting"
        ? "Connecting…"
        : seconds > 0
          ? `Reconnecting in ${seconds}s`
          : "Reconnecting…";
  const dot = connection.status === "open" ? "bg-emerald-500" : connection.status === "connecting" ? "bg-zinc-400 animate-pulse" : "bg-amber-500 animate-pulse";
  return (
    <span
      role="status"
      data-testid="connection-status"
      data-status={connection.status}
      title={connection.status === "open" ? "Connected: this page updates live" : "Not connected: answers resume where they left off once the connection is back"}
      className="inline-flex shrink-0 items-center gap-1.5 rounded-full border border-zinc-200 px-2 py-0.5 text-xs text-zinc-500 dark:border-zinc-800 dark:text-zinc-400"
    >
      <span aria-hidden="true" className={`h-1.5 w-1.5 rounded-full ${dot}`} />
      <span className={connection.status === "open" ? "sr-only sm:not-sr-only" : ""}>{label}</span>
    </span>
  );
}

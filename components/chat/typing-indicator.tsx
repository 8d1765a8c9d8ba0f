/** Shown from the moment a message is sent until the first token (or thought) arrives. */
export function TypingIndicator({ label = "Waiting for the first token" }: { label?: string }) {
  return (
    <span role="status" aria-label={label} data-testid="typing-indicator" className="inline-flex h-6 items-center gap-1 text-zinc-400 dark:text-zinc-500">
      <span className="typing-dot h-1.5 w-1.5 rounded-full bg-current" />
      <span className="typing-dot h-1.5 w-1.5 rounded-full bg-current" />
      <span className="typing-dot h-1.5 w-1.5 rounded-full bg-current" />
    </span>
  );
}

"use client";
// The conversation's messages. Finished messages are memoized (their objects do not change
// while another answer streams), and far-away ones skip layout (content-visibility), so long
// conversations stay fast. Follows the bottom while the reader is there; otherwise offers a
// button back down instead of yanking the view.
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";
import { AssistantMessage } from "@/components/chat/assistant-message";
import { UserMessage } from "@/components/chat/user-message";
import { ArrowDownIcon } from "@/components/ui/icons";
import type { ChatItem } from "@/lib/client/conversation-state";
import type { AgentDto } from "@/lib/client/types";

interface MessageListProps {
  items: ChatItem[];
  agent: AgentDto | undefined;
  onRetry: (index: number) => void;
  hasOlder: boolean;
  onLoadOlder: () => Promise<void>;
  /** Changes when the reader sends: jump to the bottom whatever the position. */
  sentTick: number;
}

const NEAR_BOTTOM_PX = 80;

export function MessageList({ items, agent, onRetry, hasOlder, onLoadOlder, sentTick }: MessageListProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  const [showJump, setShowJump] = useState(false);
  const [loadingOlder, setLoadingOlder] = useState(false);

  const scrollToBottom = useCallback(() => {
    const element = scroller.current;
    if (element) element.scrollTop = element.scrollHeight;
  }, []);

  const onScroll = useCallback(() => {
    const element = scroller.current;
    if (!element) return;
    const near = element.scrollHeight - element.scrollTop - element.clientHeight < NEAR_BOTTOM_PX;
    stick.current = near;
    setShowJump(!near);
  }, []);

  useLayoutEffect(() => {
    if (stick.current) scrollToBottom();
  }, [items, scrollToBottom]);

  useLayoutEffect(() => {
    stick.current = true;
    scrollToBottom();
  }, [sentTick, scrollToBottom]);

  // Content that grows without a store update (images, fonts, math) keeps the bottom in view too.
  useEffect(() => {
    const element = scroller.current?.firstElementChild;
    if (!element) return;
    const observer = new ResizeObserver(() => {
      if (stick.current) scrollToBottom();
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [scrollToBottom]);

  const loadOlder = async () => {
    const element = scroller.current;
    if (!element) return;
    setLoadingOlder(true);
    const fromBottom = element.scrollHeight - element.scrollTop;
    try {
      await onLoadOlder();
    } finally {
      setLoadingOlder(false);
    }
    // Keep the message the reader was looking at in place.
    requestAnimationFrame(() => {
      element.scrollTop = element.scrollHeight - fromBottom;
    });
  };

  return (
    <div className="relative min-h-0 flex-1">
      <div ref={scroller} onScroll={onScroll} className="h-full overflow-y-auto overscroll-contain" data-testid="message-list">
        {/* New messages are announced; the text of a streaming answer is not read out token by token. */}
        <div className="mx-auto flex w-full max-w-3xl flex-col gap-6 px-4 pt-6 pb-8 sm:px-6" role="log" aria-label="Messages" aria-live="polite" aria-relevant="additions">
          {hasOlder ? (
            <button type="button" className="btn-secondary self-center text-xs" onClick={loadOlder} disabled={loadingOlder}>
              {loadingOlder ? "Loading…" : "Load earlier messages"}
            </button>
          ) : null}
          {items.map((item, index) =>
            item.kind === "user" ? (
              <UserMessage key={item.key} item={item} lazy={index < items.length - 4} />
            ) : (
              <AssistantMessage key={item.key} turn={item} index={index} agent={agent} isLast={index === items.length - 1} onRetry={onRetry} />
            ),
          )}
        </div>
      </div>
      {showJump ? (
        <button
          type="button"
          onClick={() => {
            stick.current = true;
            scroller.current?.scrollTo({ top: scroller.current.scrollHeight, behavior: "smooth" });
          }}
          className="absolute bottom-3 left-1/2 inline-flex h-9 w-9 -translate-x-1/2 items-center justify-center rounded-full border border-zinc-200 bg-white text-zinc-600 shadow-md hover:text-zinc-900 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-300"
          aria-label="Scroll to the newest message"
          title="Scroll to the newest message"
        >
          <ArrowDownIcon size={16} />
        </button>
      ) : null}
    </div>
  );
}

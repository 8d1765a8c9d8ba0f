"use client";
import { memo } from "react";
import { CopyButton } from "@/components/chat/copy-button";
import type { UserItem } from "@/lib/client/conversation-state";

/** What the person wrote, as plain text: nothing in it is ever interpreted as markup. */
export const UserMessage = memo(function UserMessage({ item, lazy }: { item: UserItem; lazy: boolean }) {
  return (
    <div className={`group flex items-start justify-end gap-1 ${lazy ? "offscreen-lazy" : ""}`} data-testid="user-message" data-pending={item.pending ? "true" : undefined}>
      <div className="mt-1.5 opacity-0 transition-opacity group-focus-within:opacity-100 group-hover:opacity-100 [@media(hover:none)]:hidden">
        <CopyButton text={item.content} label="Copy message" />
      </div>
      <div className="max-w-[85%] rounded-2xl rounded-br-md bg-zinc-100 px-4 py-2.5 text-[15px] leading-relaxed break-words whitespace-pre-wrap text-zinc-900 sm:max-w-[75%] dark:bg-zinc-800 dark:text-zinc-100">
        {item.content}
      </div>
    </div>
  );
});

// Shapes the browser shares with the server. Type-only imports: nothing server-side is bundled.
export type { MessageDto, MessageUsage, InvocationEvent } from "@/lib/realtime/events";
export type { AgentDto } from "@/lib/db/agents";
export type { ConversationDto } from "@/lib/db/conversations";
export type { ProviderStatus as ProviderStatusEntry } from "@/lib/agents/catalog";
export type { ModelInfo, ProviderId } from "@/lib/agents/types";
export type { ServerMessage } from "@/lib/realtime/protocol";

import type { ConversationDto } from "@/lib/db/conversations";
import type { MessageDto } from "@/lib/realtime/events";

/** GET /api/conversations/:id */
export interface ConversationDetail extends ConversationDto {
  messages: MessageDto[];
  nextBefore: string | null;
  activeInvocationId: string | null;
}

export interface ConversationPage {
  items: ConversationDto[];
  nextCursor: string | null;
}

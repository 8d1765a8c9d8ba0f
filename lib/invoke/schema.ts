import { z } from "zod";
import { idSchema, textSchema } from "@/lib/http/schemas";

export const MAX_MESSAGE_LENGTH = 32_000;

/** A user message: 1 to 32,000 characters, not only whitespace. */
export const userMessageSchema = textSchema(MAX_MESSAGE_LENGTH, 1).refine((s) => s.trim().length > 0, "must not be blank");

/** The turn request shared by POST /api/invoke and the WebSocket `invoke` frame. */
export const invokeInputSchema = z
  .object({ agentId: idSchema, message: userMessageSchema, conversationId: idSchema.optional() })
  .strict();

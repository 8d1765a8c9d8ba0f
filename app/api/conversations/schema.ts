import { z } from "zod";
import { idSchema, nameSchema, textSchema } from "@/lib/http/schemas";

const limit = (max: number, fallback: number) =>
  z
    .string()
    .regex(/^\d{1,4}$/, "must be a whole number")
    .transform(Number)
    .pipe(z.number().int().min(1).max(max))
    .default(fallback);

export const conversationListQuerySchema = z
  .object({
    agentId: idSchema.optional(),
    q: textSchema(200).transform((s) => s.trim()).optional(),
    limit: limit(100, 30),
    cursor: z.string().max(200).optional(),
  })
  .strict();

export const conversationGetQuerySchema = z
  .object({ limit: limit(500, 100), before: idSchema.optional() })
  .strict();

export const conversationPatchSchema = z.object({ title: nameSchema(200) }).strict();

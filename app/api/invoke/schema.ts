import { z } from "zod";
import { invokeInputSchema } from "@/lib/invoke/schema";

export const invokeBodySchema = invokeInputSchema.extend({ stream: z.boolean().default(true) }).strict();
export type InvokeBody = z.infer<typeof invokeBodySchema>;

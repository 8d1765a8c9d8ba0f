// The agent shape accepted by the API and by the agent editor (same schema both sides).
import { z } from "zod";
import { isPlainGgufName } from "@/lib/agents/local/model-name";
import { PROVIDER_IDS } from "@/lib/agents/types";
import { booleanQuerySchema, nameSchema, textSchema } from "@/lib/http/schemas";

export const endpointNameSchema = z
  .string()
  .regex(/^[a-z0-9_]{1,40}$/i, "must name a declared endpoint (ENDPOINT_<NAME>_URL), letters, digits and '_' only")
  .transform((s) => s.toLowerCase());

const providerSchema = z.enum(PROVIDER_IDS);
const modelSchema = textSchema(200).transform((s) => s.trim());

export const fallbackSchema = z
  .object({ provider: providerSchema, model: modelSchema, endpoint: endpointNameSchema.optional() })
  .strict()
  .superRefine(requireEndpointForCompatible)
  .superRefine(requireLocalModelFileName);

const agentFields = {
  name: nameSchema(100),
  description: textSchema(2000),
  avatar: nameSchema(64),
  systemPrompt: textSchema(32_000),
  provider: providerSchema,
  model: modelSchema,
  temperature: z.number().min(0).max(2),
  maxTokens: z.number().int().positive().max(1_000_000),
  endpoint: endpointNameSchema.nullable(),
  fallbacks: z.array(fallbackSchema).max(5),
};

export const agentCreateSchema = z
  .object({
    ...agentFields,
    description: agentFields.description.default(""),
    avatar: agentFields.avatar.default("🤖"),
    systemPrompt: agentFields.systemPrompt.default(""),
    temperature: agentFields.temperature.default(0.7),
    maxTokens: agentFields.maxTokens.default(1024),
    endpoint: agentFields.endpoint.optional(),
    fallbacks: agentFields.fallbacks.default([]),
  })
  .strict()
  .superRefine(requireEndpointForCompatible)
  .superRefine(requireModelUnlessLocal)
  .superRefine(requireLocalModelFileName);

export const agentPatchSchema = z
  .object({ ...agentFields, isActive: z.boolean() })
  .partial()
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, "send at least one field to change");

export const agentListQuerySchema = z.object({ includeInactive: booleanQuerySchema.optional() }).strict();

export type AgentCreateInput = z.infer<typeof agentCreateSchema>;
export type AgentPatchInput = z.infer<typeof agentPatchSchema>;

interface Target {
  provider: string;
  model?: string;
  endpoint?: string | null;
}

/** openai-compatible agents must name the operator's endpoint; others must not. */
export function requireEndpointForCompatible(target: Target, ctx: z.RefinementCtx): void {
  if (target.provider === "openai-compatible" && !target.endpoint) {
    ctx.addIssue({ code: "custom", path: ["endpoint"], message: "is required for provider openai-compatible" });
  }
  if (target.provider !== "openai-compatible" && target.endpoint) {
    ctx.addIssue({ code: "custom", path: ["endpoint"], message: "is only used with provider openai-compatible" });
  }
}

/** Every provider needs a model name except `local`, where empty means the default model file. */
export function requireModelUnlessLocal(target: Target, ctx: z.RefinementCtx): void {
  if (target.provider !== "local" && !target.model) {
    ctx.addIssue({ code: "custom", path: ["model"], message: "must not be empty" });
  }
}

/** A local model is a .gguf file in LOCAL_MODELS_DIR (or empty), never a path the server would open. */
export function requireLocalModelFileName(target: Target, ctx: z.RefinementCtx): void {
  if (target.provider === "local" && target.model && !isPlainGgufName(target.model)) {
    ctx.addIssue({ code: "custom", path: ["model"], message: "must be a .gguf file name in LOCAL_MODELS_DIR (no path), or empty for the default model" });
  }
}

/** The full check for an agent after a patch was merged into it. */
export const agentTargetSchema = z
  .object({ provider: providerSchema, model: z.string(), endpoint: z.string().nullable().optional() })
  .superRefine(requireEndpointForCompatible)
  .superRefine(requireModelUnlessLocal)
  .superRefine(requireLocalModelFileName);

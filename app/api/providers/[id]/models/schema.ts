// GET /api/providers/:id/models — the provider id in the path; `?endpoint=<name>` only and
// always for openai-compatible (the same rule as an agent's endpoint).
import { z } from "zod";
import { endpointNameSchema, requireEndpointForCompatible } from "@/app/api/agents/schema";
import { PROVIDER_IDS } from "@/lib/agents/types";

export const providerModelsParamsSchema = z.object({ id: z.enum(PROVIDER_IDS) }).strict();

export const providerModelsQuerySchema = z.object({ endpoint: endpointNameSchema.optional() }).strict();

export const providerModelsTargetSchema = z
  .object({ provider: z.enum(PROVIDER_IDS), endpoint: endpointNameSchema.optional() })
  .superRefine(requireEndpointForCompatible);

export type ProviderModelsTarget = z.infer<typeof providerModelsTargetSchema>;

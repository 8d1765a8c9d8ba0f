import {
  providerModelsParamsSchema,
  providerModelsQuerySchema,
  providerModelsTargetSchema,
} from "@/app/api/providers/[id]/models/schema";
import { getProviderModels } from "@/lib/agents/catalog";
import { parseParams, parseQuery, parseWith, route } from "@/lib/http/request";

export const dynamic = "force-dynamic";

/** `{ models }` for the agent editor's model picker (cached briefly). */
export const GET = route(async (request, { params }) => {
  const { id } = await parseParams(params, providerModelsParamsSchema);
  const query = parseQuery(request, providerModelsQuerySchema);
  const target = parseWith(providerModelsTargetSchema, { provider: id, ...query }, "query");
  return Response.json({ models: await getProviderModels(target) });
});

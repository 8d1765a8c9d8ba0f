import { agentCreateSchema, agentListQuerySchema } from "@/app/api/agents/schema";
import { createAgent, listAgents } from "@/lib/db/agents";
import { parseBody, parseQuery, route } from "@/lib/http/request";

export const dynamic = "force-dynamic";

export const GET = route(async (request) => {
  const { includeInactive } = parseQuery(request, agentListQuerySchema);
  return Response.json(await listAgents({ includeInactive }));
});

export const POST = route(async (request) => {
  const data = await parseBody(request, agentCreateSchema);
  return Response.json(await createAgent({ data }), { status: 201 });
});

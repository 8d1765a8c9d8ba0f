import { agentPatchSchema, agentTargetSchema } from "@/app/api/agents/schema";
import { getAgentById, updateAgent } from "@/lib/db/agents";
import { AppError } from "@/lib/http/errors";
import { idParamsSchema } from "@/lib/http/schemas";
import { parseBody, parseParams, parseWith, route } from "@/lib/http/request";

export const dynamic = "force-dynamic";

async function findAgent(params: Promise<unknown>) {
  const { id } = await parseParams(params, idParamsSchema);
  const agent = await getAgentById({ id });
  if (!agent) throw new AppError("not_found", `No agent with id ${id}.`);
  return agent;
}

export const GET = route(async (_request, { params }) => Response.json(await findAgent(params)));

export const PATCH = route(async (request, { params }) => {
  const agent = await findAgent(params);
  const patch = await parseBody(request, agentPatchSchema);
  // Provider, model and endpoint are checked together, as they will be after the change.
  parseWith(agentTargetSchema, { ...agent, ...patch }, "body");
  return Response.json(await updateAgent({ id: agent.id, data: patch }));
});

export const DELETE = route(async (_request, { params }) => {
  const agent = await findAgent(params);
  if (agent.isActive) await updateAgent({ id: agent.id, data: { isActive: false } });
  return new Response(null, { status: 204 });
});

// Agent queries. Agents are soft-deleted (isActive=false) so their conversations stay.
import type { Agent as AgentRow } from "@/lib/db/generated/client.ts";
import { getDb } from "@/lib/db/client";
import { statement, withTypes } from "@/lib/db/statements";
import type { ProviderId, ProviderTarget } from "@/lib/agents/types";

/** What a person sets on an agent. */
export interface AgentData {
  name: string;
  description: string;
  avatar: string;
  systemPrompt: string;
  provider: ProviderId;
  model: string;
  temperature: number;
  maxTokens: number;
  endpoint?: string | null;
  fallbacks: ProviderTarget[];
}

/** An agent as the API returns it. Never contains a key. */
export interface AgentDto extends Omit<AgentData, "endpoint"> {
  id: string;
  endpoint?: string;
  isActive: boolean;
  createdAt: string;
  updatedAt: string;
}

export function toAgentDto(row: AgentRow): AgentDto {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    avatar: row.avatar,
    systemPrompt: row.systemPrompt,
    provider: row.provider as ProviderId,
    model: row.model,
    temperature: row.temperature,
    maxTokens: row.maxTokens,
    ...(row.endpoint ? { endpoint: row.endpoint } : {}),
    fallbacks: Array.isArray(row.fallbacks) ? (row.fallbacks as unknown as ProviderTarget[]) : [],
    isActive: row.isActive,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export async function listAgents({ includeInactive = false }: { includeInactive?: boolean } = {}): Promise<AgentDto[]> {
  const rows = await getDb().agent.findMany({
    where: includeInactive ? {} : { isActive: true },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  return rows.map(toAgentDto);
}

/** Read on every turn: a prepared statement rather than a Prisma query (see lib/db/client.ts). */
export async function getAgentById({ id }: { id: string }): Promise<AgentDto | null> {
  const row = (await statement(`SELECT * FROM "Agent" WHERE "id" = ?`)).get(id) as Record<string, unknown> | undefined;
  if (!row) return null;
  return toAgentDto(withTypes<AgentRow>({ ...row, isActive: row.isActive === 1 }, ["createdAt", "updatedAt"], ["fallbacks"]));
}

export async function createAgent({ data }: { data: AgentData }): Promise<AgentDto> {
  const row = await getDb().agent.create({ data: { ...data, fallbacks: data.fallbacks as object[] } });
  return toAgentDto(row);
}

export async function updateAgent({ id, data }: { id: string; data: Partial<AgentData> & { isActive?: boolean } }) {
  const { fallbacks, ...rest } = data;
  const row = await getDb().agent.update({
    where: { id },
    data: { ...rest, ...(fallbacks ? { fallbacks: fallbacks as object[] } : {}) },
  });
  return toAgentDto(row);
}

export async function countAgents(): Promise<number> {
  return getDb().agent.count();
}

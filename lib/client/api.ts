// The HTTP API as the browser uses it. Errors come back as ApiError with the API's code and
// its message, which already says what to do.
import type { AgentCreateInput, AgentPatchInput } from "@/app/api/agents/schema";
import type { AgentDto, ConversationDetail, ConversationDto, ConversationPage, ModelInfo, ProviderStatusEntry } from "@/lib/client/types";

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

async function request<T>(path: string, init?: RequestInit & { json?: unknown }): Promise<T> {
  const { json, ...rest } = init ?? {};
  let response: Response;
  try {
    response = await fetch(path, {
      ...rest,
      headers: { accept: "application/json", ...(json !== undefined ? { "content-type": "application/json" } : {}), ...rest.headers },
      ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
    });
  } catch {
    throw new ApiError("network", "The server cannot be reached: check that it is running.", 0);
  }
  if (response.status === 204) return undefined as T;
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const error = (body as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error;
    throw new ApiError(error?.code ?? "http_error", error?.message ?? `The server answered ${response.status}.`, response.status, error?.details);
  }
  return body as T;
}

export const api = {
  listAgents: () => request<AgentDto[]>("/api/agents"),
  createAgent: (input: AgentCreateInput) => request<AgentDto>("/api/agents", { method: "POST", json: input }),
  updateAgent: (id: string, patch: AgentPatchInput) => request<AgentDto>(`/api/agents/${encodeURIComponent(id)}`, { method: "PATCH", json: patch }),
  deleteAgent: (id: string) => request<void>(`/api/agents/${encodeURIComponent(id)}`, { method: "DELETE" }),

  listProviders: () => request<ProviderStatusEntry[]>("/api/providers"),
  listModels: async (provider: string, endpoint?: string): Promise<ModelInfo[]> => {
    const query = endpoint ? `?endpoint=${encodeURIComponent(endpoint)}` : "";
    const body = await request<ModelInfo[] | { models: ModelInfo[] }>(`/api/providers/${encodeURIComponent(provider)}/models${query}`);
    return Array.isArray(body) ? body : body.models;
  },

  listConversations: (query: { q?: string; cursor?: string; limit?: number }) => {
    const params = new URLSearchParams();
    if (query.q) params.set("q", query.q);
    if (query.cursor) params.set("cursor", query.cursor);
    params.set("limit", String(query.limit ?? 30));
    return request<ConversationPage>(`/api/conversations?${params}`);
  },
  getConversation: (id: string, query: { before?: string; limit?: number } = {}) => {
    const params = new URLSearchParams();
    if (query.before) params.set("before", query.before);
    if (query.limit) params.set("limit", String(query.limit));
    const suffix = params.size ? `?${params}` : "";
    return request<ConversationDetail>(`/api/conversations/${encodeURIComponent(id)}${suffix}`);
  },
  renameConversation: (id: string, title: string) =>
    request<ConversationDto>(`/api/conversations/${encodeURIComponent(id)}`, { method: "PATCH", json: { title } }),
  deleteConversation: (id: string) => request<void>(`/api/conversations/${encodeURIComponent(id)}`, { method: "DELETE" }),
};

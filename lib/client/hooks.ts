"use client";
import { useInitialAgents } from "@/lib/client/initial-data";
import { useChatStore } from "@/lib/client/store";
import type { AgentDto, ProviderStatusEntry } from "@/lib/client/types";

export function useAgents(): AgentDto[] {
  const loaded = useChatStore((state) => state.agents);
  const initial = useInitialAgents();
  return loaded ?? initial;
}

/** The provider entry an agent runs on; undefined while unknown (not loaded, or not listed). */
export function providerStatusOf(
  providers: readonly ProviderStatusEntry[] | null,
  target: { provider: string; endpoint?: string | null },
): ProviderStatusEntry | undefined {
  return providers?.find(
    (entry) => entry.id === target.provider && (entry.id !== "openai-compatible" || !target.endpoint || entry.endpoint === target.endpoint),
  );
}

export function useProviderStatus(agent: AgentDto | undefined): ProviderStatusEntry | undefined {
  const providers = useChatStore((state) => state.providers);
  return agent ? providerStatusOf(providers, agent) : undefined;
}

const PROVIDER_NAMES: Record<string, string> = {
  openai: "OpenAI",
  gemini: "Gemini",
  ollama: "Ollama",
  anthropic: "Anthropic",
  "openai-compatible": "OpenAI-compatible",
  local: "Local",
};

export const providerName = (id: string) => PROVIDER_NAMES[id] ?? id;

/** "OpenAI · gpt-4.1", "deepseek · deepseek-chat", "Local · default model". */
export function modelLabel(agent: { provider: string; model: string; endpoint?: string | null }): string {
  const provider = agent.provider === "openai-compatible" && agent.endpoint ? agent.endpoint : providerName(agent.provider);
  return `${provider} · ${agent.model || "default model"}`;
}

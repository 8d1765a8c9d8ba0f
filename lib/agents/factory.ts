// One provider per target. Providers read their settings when they run, so creating one is
// cheap and never fails: a missing key shows up as the first part of its stream.
import { createLocalProvider } from "@/lib/agents/providers/local";
import { createAnthropicProvider } from "@/lib/agents/providers/anthropic";
import { createGeminiProvider } from "@/lib/agents/providers/gemini";
import { createOllamaProvider } from "@/lib/agents/providers/ollama";
import { createOpenAIProvider } from "@/lib/agents/providers/openai";
import { createOpenAICompatibleProvider } from "@/lib/agents/providers/openai-compatible";
import type { Provider, ProviderTarget } from "@/lib/agents/types";

export function getProvider(target: Pick<ProviderTarget, "provider" | "endpoint">): Provider {
  switch (target.provider) {
    case "openai":
      return createOpenAIProvider();
    case "openai-compatible":
      return createOpenAICompatibleProvider(target.endpoint);
    case "gemini":
      return createGeminiProvider();
    case "ollama":
      return createOllamaProvider();
    case "anthropic":
      return createAnthropicProvider();
    case "local":
      return createLocalProvider();
  }
}

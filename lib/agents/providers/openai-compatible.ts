// Any operator-declared OpenAI-compatible endpoint (ENDPOINT_<NAME>_URL / ENDPOINT_<NAME>_KEY).
// The agent names the endpoint, never a URL, so a key only ever travels to the URL it was
// declared with.
import { providerSettings } from "@/lib/agents/config";
import { createChatCompletionsProvider } from "@/lib/agents/providers/openai";
import type { Provider } from "@/lib/agents/types";

export function createOpenAICompatibleProvider(endpoint: string | null | undefined): Provider {
  return createChatCompletionsProvider({
    id: "openai-compatible",
    settings: () => providerSettings({ provider: "openai-compatible", endpoint }),
    maxTokensField: "max_tokens",
  });
}

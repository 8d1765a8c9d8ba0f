// Placeholder until the embedded node-llama-cpp provider lands (issue 7).
import type { Provider } from "@/lib/agents/types";

export function createLocalProvider(): Provider {
  return {
    id: "local",
    async *stream() {
      yield {
        type: "error",
        code: "provider_not_configured",
        message: "local: the embedded model provider is not built yet.",
        retryable: false,
      };
    },
    async listModels() {
      return [];
    },
    async checkHealth() {
      return { reachable: false, error: "The embedded model provider is not built yet." };
    },
  };
}

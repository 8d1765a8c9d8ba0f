// Ollama wire format: POST /api/chat answers NDJSON, one `{message:{content, thinking?}, done:false}`
// per token and a final `{done:true, done_reason, prompt_eval_count, eval_count}`; errors are
// `{"error": "..."}`; GET /api/tags lists models.
import {
  lastUserContent,
  startFakeServer,
  type ChatContext,
  type FakeServer,
  type FakeServerOptions,
  type Frame,
  type WireFormat,
} from "@/tests/fakes/fake-server";

const CREATED_AT = "2025-01-01T00:00:00.000Z";

function line(data: unknown): string {
  return `${JSON.stringify(data)}\n`;
}

function messageLine(ctx: ChatContext, message: Record<string, string>) {
  return line({ model: ctx.model, created_at: CREATED_AT, message: { role: "assistant", content: "", ...message }, done: false });
}

export const ollamaWire: WireFormat = {
  kind: "ollama",
  contentType: "application/x-ndjson",
  baseUrlEnvVar: "OLLAMA_HOST",
  baseUrl: (origin) => origin,
  chatModel(method, url, body) {
    if (method !== "POST" || url.pathname !== "/api/chat") return undefined;
    return String((body as { model?: unknown } | undefined)?.model ?? "");
  },
  isModelList: (method, url) => method === "GET" && url.pathname === "/api/tags",
  frames(ctx) {
    const frames: Frame[] = [];
    for (const token of ctx.reasoningTokens) frames.push({ text: messageLine(ctx, { thinking: token }), token: true });
    for (const token of ctx.textTokens) frames.push({ text: messageLine(ctx, { content: token }), token: true });
    frames.push({
      text: line({
        model: ctx.model,
        created_at: CREATED_AT,
        message: { role: "assistant", content: "" },
        done: true,
        done_reason: ctx.finishReason,
        total_duration: 1_000_000,
        load_duration: 1000,
        prompt_eval_count: ctx.usage.inputTokens,
        prompt_eval_duration: 1000,
        eval_count: ctx.usage.outputTokens,
        eval_duration: 1000,
      }),
    });
    return frames;
  },
  malformedFrame: () => '{"model":"x","message":{"role":"assistant","content":"bro\n',
  streamErrorFrame: () => line({ error: "an error was encountered while running the model: unexpected EOF" }),
  errorAnswer(fault, script) {
    switch (fault) {
      case "unauthorized":
        return { status: 401, body: { error: script.errorMessage ?? "unauthorized" } };
      case "rate-limit":
        return { status: 429, headers: { "Retry-After": String(script.retryAfterSeconds ?? 1) }, body: { error: script.errorMessage ?? "too many requests" } };
      case "server-error":
        return { status: 500, body: { error: script.errorMessage ?? "llama runner process has terminated: exit status 2" } };
      case "context-length":
        return { status: 400, body: { error: script.errorMessage ?? "the input length exceeds the context length" } };
    }
  },
  modelList: (models) => ({
    models: models.map((name, i) => ({
      name,
      model: name,
      modified_at: CREATED_AT,
      size: 2_000_000_000 + i,
      digest: `sha256:${String(i).padStart(64, "0")}`,
      details: { format: "gguf", family: "llama", parameter_size: "3B", quantization_level: "Q4_K_M" },
    })),
  }),
  lastUserText: (body) => lastUserContent((body as { messages?: unknown } | undefined)?.messages),
};

/** A fake Ollama server; point OLLAMA_HOST at `baseUrl`. */
export function startFakeOllama(options?: FakeServerOptions): Promise<FakeServer> {
  return startFakeServer(ollamaWire, options);
}

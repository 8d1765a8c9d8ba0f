// OpenAI chat completions wire format: SSE `data: {chat.completion.chunk}` lines ending with
// `data: [DONE]`, usage in a last chunk when the request asks for it (stream_options), and
// GET /v1/models. Serves OpenAI and every OpenAI-compatible endpoint.
import {
  lastUserContent,
  startFakeServer,
  type ChatContext,
  type FakeServer,
  type FakeServerOptions,
  type Frame,
  type WireFormat,
} from "@/tests/fakes/fake-server";

const CREATED = 1_700_000_000;

function sse(data: unknown): string {
  return `data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`;
}

function chunk(ctx: ChatContext, delta: Record<string, unknown>, finishReason: string | null = null) {
  return {
    id: "chatcmpl-fake",
    object: "chat.completion.chunk",
    created: CREATED,
    model: ctx.model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  };
}

export const openaiWire: WireFormat = {
  kind: "openai",
  contentType: "text/event-stream",
  baseUrlEnvVar: "OPENAI_BASE_URL",
  baseUrl: (origin) => `${origin}/v1`,
  chatModel(method, url, body) {
    if (method !== "POST" || url.pathname !== "/v1/chat/completions") return undefined;
    return String((body as { model?: unknown } | undefined)?.model ?? "");
  },
  isModelList: (method, url) => method === "GET" && url.pathname === "/v1/models",
  frames(ctx) {
    const body = ctx.body as { stream_options?: { include_usage?: boolean } } | undefined;
    const reasoningField = ctx.script.reasoningField ?? "reasoning_content";
    const frames: Frame[] = [{ text: sse(chunk(ctx, { role: "assistant", content: "" })) }];
    for (const token of ctx.reasoningTokens) frames.push({ text: sse(chunk(ctx, { [reasoningField]: token })), token: true });
    for (const token of ctx.textTokens) frames.push({ text: sse(chunk(ctx, { content: token })), token: true });
    frames.push({ text: sse(chunk(ctx, {}, ctx.finishReason)) });
    if (body?.stream_options?.include_usage) {
      const { inputTokens, outputTokens } = ctx.usage;
      frames.push({
        text: sse({
          id: "chatcmpl-fake",
          object: "chat.completion.chunk",
          created: CREATED,
          model: ctx.model,
          choices: [],
          usage: { prompt_tokens: inputTokens, completion_tokens: outputTokens, total_tokens: inputTokens + outputTokens },
        }),
      });
    }
    frames.push({ text: sse("[DONE]") });
    return frames;
  },
  malformedFrame: () => 'data: {"id":"chatcmpl-fake","choices":[{"delta":{"content":"bro\n\n',
  streamErrorFrame: () => sse({ error: { message: "The server had an error while processing your request.", type: "server_error" } }),
  errorAnswer(fault, script) {
    switch (fault) {
      case "unauthorized":
        return {
          status: 401,
          body: { error: { message: script.errorMessage ?? "Incorrect API key provided.", type: "invalid_request_error", param: null, code: "invalid_api_key" } },
        };
      case "rate-limit":
        return {
          status: 429,
          headers: { "Retry-After": String(script.retryAfterSeconds ?? 1) },
          body: { error: { message: script.errorMessage ?? "Rate limit reached for requests.", type: "requests", param: null, code: "rate_limit_exceeded" } },
        };
      case "server-error":
        return {
          status: 500,
          body: { error: { message: script.errorMessage ?? "The server had an error while processing your request.", type: "server_error" } },
        };
      case "context-length":
        return {
          status: 400,
          body: {
            error: {
              message:
                script.errorMessage ?? "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens.",
              type: "invalid_request_error",
              param: "messages",
              code: "context_length_exceeded",
            },
          },
        };
    }
  },
  modelList: (models) => ({
    object: "list",
    data: models.map((id) => ({ id, object: "model", created: CREATED, owned_by: "fake" })),
  }),
  lastUserText: (body) => lastUserContent((body as { messages?: unknown } | undefined)?.messages),
};

/** A fake OpenAI (or OpenAI-compatible) server; point OPENAI_BASE_URL / ENDPOINT_<NAME>_URL at `baseUrl`. */
export function startFakeOpenAI(options?: FakeServerOptions): Promise<FakeServer> {
  return startFakeServer(openaiWire, options);
}

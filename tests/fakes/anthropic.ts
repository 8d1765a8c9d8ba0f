// Anthropic Messages wire format: POST /v1/messages answers SSE events message_start,
// content_block_start/delta/stop (a thinking block before the text block when there is
// reasoning), ping, message_delta (stop_reason, output usage) and message_stop; errors are
// `{"type":"error","error":{type,message}}`; GET /v1/models lists models. The key arrives in
// x-api-key or, from SDK 1.x, as Authorization: Bearer.
import {
  lastUserContent,
  startFakeServer,
  type FakeServer,
  type FakeServerOptions,
  type Frame,
  type WireFormat,
} from "@/tests/fakes/fake-server";

function event(name: string, data: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}

function errorBody(type: string, message: string) {
  return { type: "error", error: { type, message } };
}

export const anthropicWire: WireFormat = {
  kind: "anthropic",
  contentType: "text/event-stream",
  baseUrlEnvVar: "ANTHROPIC_BASE_URL",
  baseUrl: (origin) => origin,
  chatModel(method, url, body) {
    if (method !== "POST" || url.pathname !== "/v1/messages") return undefined;
    return String((body as { model?: unknown } | undefined)?.model ?? "");
  },
  isModelList: (method, url) => method === "GET" && url.pathname === "/v1/models",
  frames(ctx) {
    const frames: Frame[] = [
      {
        text: event("message_start", {
          type: "message_start",
          message: {
            id: "msg_fake",
            type: "message",
            role: "assistant",
            model: ctx.model,
            content: [],
            stop_reason: null,
            stop_sequence: null,
            usage: { input_tokens: ctx.usage.inputTokens, output_tokens: 1 },
          },
        }),
      },
    ];
    let index = 0;
    if (ctx.reasoningTokens.length > 0) {
      frames.push({
        text: event("content_block_start", { type: "content_block_start", index, content_block: { type: "thinking", thinking: "", signature: "" } }),
      });
      for (const token of ctx.reasoningTokens) {
        frames.push({
          text: event("content_block_delta", { type: "content_block_delta", index, delta: { type: "thinking_delta", thinking: token } }),
          token: true,
        });
      }
      frames.push({
        text: event("content_block_delta", { type: "content_block_delta", index, delta: { type: "signature_delta", signature: "c2lnbmF0dXJl" } }),
      });
      frames.push({ text: event("content_block_stop", { type: "content_block_stop", index }) });
      index++;
    }
    frames.push({ text: event("content_block_start", { type: "content_block_start", index, content_block: { type: "text", text: "" } }) });
    frames.push({ text: event("ping", { type: "ping" }) });
    for (const token of ctx.textTokens) {
      frames.push({
        text: event("content_block_delta", { type: "content_block_delta", index, delta: { type: "text_delta", text: token } }),
        token: true,
      });
    }
    frames.push({ text: event("content_block_stop", { type: "content_block_stop", index }) });
    frames.push({
      text: event("message_delta", {
        type: "message_delta",
        delta: { stop_reason: ctx.finishReason === "length" ? "max_tokens" : "end_turn", stop_sequence: null },
        usage: { output_tokens: ctx.usage.outputTokens },
      }),
    });
    frames.push({ text: event("message_stop", { type: "message_stop" }) });
    return frames;
  },
  malformedFrame: () => 'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"bro\n\n',
  streamErrorFrame: () => event("error", errorBody("overloaded_error", "Overloaded")),
  errorAnswer(fault, script) {
    switch (fault) {
      case "unauthorized":
        return { status: 401, body: errorBody("authentication_error", script.errorMessage ?? "invalid x-api-key") };
      case "rate-limit":
        return {
          status: 429,
          headers: { "retry-after": String(script.retryAfterSeconds ?? 1) },
          body: errorBody("rate_limit_error", script.errorMessage ?? "Number of request tokens has exceeded your per-minute rate limit."),
        };
      case "server-error":
        return { status: 500, body: errorBody("api_error", script.errorMessage ?? "Internal server error") };
      case "context-length":
        return { status: 400, body: errorBody("invalid_request_error", script.errorMessage ?? "prompt is too long: 210000 tokens > 200000 maximum") };
    }
  },
  modelList: (models) => ({
    data: models.map((id) => ({ type: "model", id, display_name: id, created_at: "2025-01-01T00:00:00Z" })),
    has_more: false,
    first_id: models[0] ?? null,
    last_id: models[models.length - 1] ?? null,
  }),
  lastUserText: (body) => lastUserContent((body as { messages?: unknown } | undefined)?.messages),
};

/** A fake Anthropic API; point ANTHROPIC_BASE_URL at `baseUrl`. */
export function startFakeAnthropic(options?: FakeServerOptions): Promise<FakeServer> {
  return startFakeServer(anthropicWire, options);
}

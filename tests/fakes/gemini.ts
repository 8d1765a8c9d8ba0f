// Gemini wire format: POST /v1beta/models/<model>:streamGenerateContent?alt=sse answers SSE
// `data: {GenerateContentResponse}` chunks (thought parts carry `thought: true`; the last chunk
// has finishReason and usageMetadata); GET /v1beta/models lists models. The key arrives in the
// x-goog-api-key header. A bad key is Gemini's real 400 INVALID_ARGUMENT / API_KEY_INVALID.
import {
  startFakeServer,
  type ChatContext,
  type FakeServer,
  type FakeServerOptions,
  type Frame,
  type WireFormat,
} from "@/tests/fakes/fake-server";

const STREAM_PATH = /^\/v1beta\/models\/([^/:]+):streamGenerateContent$/;

function sse(data: unknown): string {
  return `data: ${JSON.stringify(data)}\r\n\r\n`;
}

function candidateChunk(ctx: ChatContext, parts: Record<string, unknown>[], final = false) {
  const { inputTokens, outputTokens } = ctx.usage;
  const thoughts = ctx.reasoningTokens.length;
  return {
    candidates: [
      {
        content: { parts, role: "model" },
        index: 0,
        ...(final ? { finishReason: ctx.finishReason === "length" ? "MAX_TOKENS" : "STOP" } : {}),
      },
    ],
    usageMetadata: final
      ? {
          promptTokenCount: inputTokens,
          candidatesTokenCount: outputTokens - thoughts,
          ...(thoughts ? { thoughtsTokenCount: thoughts } : {}),
          totalTokenCount: inputTokens + outputTokens,
        }
      : { promptTokenCount: inputTokens, totalTokenCount: inputTokens },
    modelVersion: ctx.model,
  };
}

function googleError(code: number, status: string, message: string, details?: unknown[]) {
  return { error: { code, message, status, ...(details ? { details } : {}) } };
}

export const geminiWire: WireFormat = {
  kind: "gemini",
  contentType: "text/event-stream",
  baseUrlEnvVar: "GEMINI_BASE_URL",
  baseUrl: (origin) => origin,
  chatModel(method, url) {
    const match = STREAM_PATH.exec(url.pathname);
    if (method !== "POST" || !match || url.searchParams.get("alt") !== "sse") return undefined;
    return decodeURIComponent(match[1]);
  },
  isModelList: (method, url) => method === "GET" && url.pathname === "/v1beta/models",
  frames(ctx) {
    const frames: Frame[] = [];
    for (const token of ctx.reasoningTokens) frames.push({ text: sse(candidateChunk(ctx, [{ text: token, thought: true }])), token: true });
    for (const token of ctx.textTokens) frames.push({ text: sse(candidateChunk(ctx, [{ text: token }])), token: true });
    frames.push({ text: sse(candidateChunk(ctx, [{ text: "" }], true)) });
    return frames;
  },
  malformedFrame: () => 'data: {"candidates":[{"content":{"parts":[{"text":"bro\r\n\r\n',
  streamErrorFrame: () => sse(googleError(500, "INTERNAL", "An internal error has occurred.")),
  errorAnswer(fault, script) {
    switch (fault) {
      case "unauthorized":
        return {
          status: 400,
          body: googleError(400, "INVALID_ARGUMENT", script.errorMessage ?? "API key not valid. Please pass a valid API key.", [
            { "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "API_KEY_INVALID", domain: "googleapis.com" },
          ]),
        };
      case "rate-limit": {
        const seconds = script.retryAfterSeconds ?? 1;
        return {
          status: 429,
          headers: { "Retry-After": String(seconds) },
          body: googleError(429, "RESOURCE_EXHAUSTED", script.errorMessage ?? "Resource has been exhausted (e.g. check quota).", [
            { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: `${seconds}s` },
          ]),
        };
      }
      case "server-error":
        return { status: 500, body: googleError(500, "INTERNAL", script.errorMessage ?? "An internal error has occurred.") };
      case "context-length":
        return {
          status: 400,
          body: googleError(
            400,
            "INVALID_ARGUMENT",
            script.errorMessage ?? "The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).",
          ),
        };
    }
  },
  modelList: (models) => ({
    models: models.map((id) => ({
      name: `models/${id}`,
      version: "001",
      displayName: id,
      inputTokenLimit: 1_048_576,
      outputTokenLimit: 8192,
      supportedGenerationMethods: ["generateContent", "countTokens"],
    })),
  }),
  lastUserText(body) {
    const contents = (body as { contents?: { role?: string; parts?: { text?: string }[] }[] } | undefined)?.contents ?? [];
    const last = [...contents].reverse().find((c) => c.role === "user");
    return last?.parts?.map((p) => p.text ?? "").join("") ?? "";
  },
};

/** A fake Gemini API; point GEMINI_BASE_URL at `baseUrl`. */
export function startFakeGemini(options?: FakeServerOptions): Promise<FakeServer> {
  return startFakeServer(geminiWire, options);
}

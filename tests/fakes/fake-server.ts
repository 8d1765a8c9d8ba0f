// The engine shared by the four vendor fakes: an HTTP server on 127.0.0.1 that answers chat
// requests from a script (tokens, pace, faults), serves a model list, records every request
// and notices when a client closes its socket early. Each wire format (openai.ts, gemini.ts,
// ollama.ts, anthropic.ts) only says how frames and errors look.
import { EventEmitter } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";

export type FakeKind = "openai" | "gemini" | "ollama" | "anthropic";

export type FaultMode =
  /** 401 with the vendor's "invalid key" body (Gemini: its real 400 API_KEY_INVALID). */
  | "unauthorized"
  /** 429 with Retry-After: `retryAfterSeconds` (default 1). */
  | "rate-limit"
  /** 500 with the vendor's error body. */
  | "server-error"
  /** 400 with the vendor's context-overflow wording. */
  | "context-length"
  /** Accepts the request and never sends a byte. */
  | "hang"
  /** Sends `faultAfterTokens` tokens, then destroys the socket mid-stream. */
  | "cut"
  /** Sends `faultAfterTokens` tokens, then a chunk that is not JSON, then ends. */
  | "malformed"
  /** Sends `faultAfterTokens` tokens, then stays silent with the connection open. */
  | "stall"
  /** Sends the vendor's own in-stream error after `faultAfterTokens` tokens. */
  | "stream-error";

export interface FakeScript {
  /** The answer. A string is split into word tokens ("Hello", " world"). Default "Hello from the fake." */
  text?: string | string[];
  /** Reasoning streamed before the answer, split the same way. */
  reasoning?: string | string[];
  /** Answer "You said: <last user message>" instead of `text`. */
  echo?: boolean;
  /** Reported usage; default input 12, output = number of answer tokens. */
  usage?: { inputTokens: number; outputTokens: number };
  /** Pause before every token (ms). */
  tokenDelayMs?: number;
  /** Pause before the response headers (ms). */
  firstByteDelayMs?: number;
  fault?: FaultMode;
  retryAfterSeconds?: number;
  /** Replaces the vendor's wording in an error answer (e.g. to echo a key back, as some vendors do). */
  errorMessage?: string;
  /** Tokens sent before a cut / malformed / stall / stream-error fault. Default 1. */
  faultAfterTokens?: number;
  /** Deliver the whole body a few bytes at a time (a slow drip): bytes per write and pause. */
  drip?: { bytes: number; everyMs: number };
  finishReason?: "stop" | "length";
  /** OpenAI only: the delta field that carries reasoning. Default "reasoning_content". */
  reasoningField?: "reasoning_content" | "reasoning";
}

export type ScriptSource = FakeScript | FakeScript[] | ((index: number, request: RecordedRequest) => FakeScript);

export interface RecordedRequest {
  method: string;
  /** Path with query string. */
  path: string;
  /** Lower-case header names. */
  headers: Record<string, string>;
  rawBody: string;
  /** Parsed JSON body, or undefined. */
  body: unknown;
  /** A chat (streaming) request, as opposed to a model list or a control call. */
  chat: boolean;
  /** The client closed the socket before the response was complete. */
  clientClosedEarly: boolean;
  receivedAt: number;
}

export interface Frame {
  text: string;
  /** A token frame: paced by tokenDelayMs and counted for faults. */
  token?: boolean;
}

export interface ChatContext {
  model: string;
  body: unknown;
  script: FakeScript;
  reasoningTokens: string[];
  textTokens: string[];
  usage: { inputTokens: number; outputTokens: number };
  finishReason: "stop" | "length";
}

export interface ErrorAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** How one vendor's wire format looks; the engine does the rest. */
export interface WireFormat {
  kind: FakeKind;
  /** The model named by a chat request, or undefined when the request is not a chat request. */
  chatModel(method: string, url: URL, body: unknown): string | undefined;
  isModelList(method: string, url: URL): boolean;
  contentType: string;
  /** Every frame of a complete answer, in order. */
  frames(ctx: ChatContext): Frame[];
  /** A frame that is not valid JSON, in this format's framing. */
  malformedFrame(): string;
  /** The vendor's in-stream error frame. */
  streamErrorFrame(): string;
  errorAnswer(fault: "unauthorized" | "rate-limit" | "server-error" | "context-length", script: FakeScript): ErrorAnswer;
  modelList(models: string[]): unknown;
  lastUserText(body: unknown): string;
  /** Value for the provider's base-URL variable, from the server's origin. */
  baseUrl(origin: string): string;
  /** The environment variable that points a provider at this fake. */
  baseUrlEnvVar: string;
}

export type ModelListFault = "unauthorized" | "server-error" | "hang";

export interface FakeServerOptions {
  script?: ScriptSource;
  port?: number;
  host?: string;
  models?: string[];
  /** Makes the model list fail (it answers by default). */
  modelListFault?: ModelListFault;
}

export interface FakeServer {
  kind: FakeKind;
  /** http://127.0.0.1:<port> */
  origin: string;
  /** What to put in `baseUrlEnvVar` (OpenAI: origin + "/v1"). */
  baseUrl: string;
  baseUrlEnvVar: string;
  port: number;
  requests: RecordedRequest[];
  /** TCP connections accepted so far (a client that keeps its connection alive opens one). */
  readonly connections: number;
  chatRequests(): RecordedRequest[];
  /** Replaces the script for the requests that follow (the chat request count restarts at 0). */
  setScript(script: ScriptSource): void;
  /** Makes the model list fail from now on (undefined: answer again). */
  setModelListFault(fault: ModelListFault | undefined): void;
  /** Resolves with the first chat request whose client closes early (or already has). */
  waitForClientClose(timeoutMs?: number): Promise<RecordedRequest>;
  close(): Promise<void>;
}

export const DEFAULT_ANSWER = "Hello from the fake.";
export const DEFAULT_MODELS: Record<FakeKind, string[]> = {
  openai: ["gpt-4o-mini", "gpt-4o"],
  gemini: ["gemini-2.0-flash", "gemini-2.5-pro"],
  ollama: ["llama3.2:latest", "qwen3:4b"],
  anthropic: ["claude-sonnet-5", "claude-haiku-4-5"],
};

/** "Hello world." -> ["Hello", " world."]; keeps every character. */
export function splitTokens(text: string | string[] | undefined): string[] {
  if (text === undefined) return [];
  if (Array.isArray(text)) return text;
  return text.match(/\s*\S+|\s+$/g) ?? [];
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function chatContext(format: WireFormat, model: string, body: unknown, script: FakeScript): ChatContext {
  const textTokens = script.echo ? splitTokens(`You said: ${format.lastUserText(body)}`) : splitTokens(script.text ?? DEFAULT_ANSWER);
  const reasoningTokens = splitTokens(script.reasoning);
  return {
    model,
    body,
    script,
    textTokens,
    reasoningTokens,
    usage: script.usage ?? { inputTokens: 12, outputTokens: textTokens.length + reasoningTokens.length },
    finishReason: script.finishReason ?? "stop",
  };
}

export async function startFakeServer(format: WireFormat, options: FakeServerOptions = {}): Promise<FakeServer> {
  let source: ScriptSource = options.script ?? {};
  let chatIndex = 0;
  let modelListFault = options.modelListFault;
  const models = options.models ?? DEFAULT_MODELS[format.kind];
  const requests: RecordedRequest[] = [];
  const events = new EventEmitter();
  const sockets = new Set<import("node:net").Socket>();

  function scriptFor(record: RecordedRequest): FakeScript {
    const index = chatIndex++;
    if (typeof source === "function") return source(index, record);
    if (Array.isArray(source)) return source[Math.min(index, source.length - 1)] ?? {};
    return source;
  }

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://fake");
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString("utf8");
    let body: unknown;
    try {
      body = rawBody ? JSON.parse(rawBody) : undefined;
    } catch {
      body = undefined;
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) headers[name] = Array.isArray(value) ? value.join(", ") : (value ?? "");
    const record: RecordedRequest = {
      method: req.method ?? "GET",
      path: req.url ?? "/",
      headers,
      rawBody,
      body,
      chat: false,
      clientClosedEarly: false,
      receivedAt: Date.now(),
    };

    if (url.pathname.startsWith("/__fake/")) return control(url, record, res);
    requests.push(record);

    let cutByServer = false;
    res.on("close", () => {
      if (!res.writableEnded && !cutByServer) {
        record.clientClosedEarly = true;
        events.emit("client-close", record);
      }
    });

    if (format.isModelList(record.method, url)) {
      if (modelListFault === "hang") return;
      if (modelListFault) {
        const answer = format.errorAnswer(modelListFault, {});
        return json(res, answer.status, answer.body, answer.headers);
      }
      return json(res, 200, format.modelList(models));
    }
    const model = format.chatModel(record.method, url, body);
    if (model === undefined) return json(res, 404, { error: { message: `fake ${format.kind}: no route ${record.method} ${url.pathname}` } });

    record.chat = true;
    const script = scriptFor(record);
    if (script.firstByteDelayMs) await sleep(script.firstByteDelayMs);
    if (res.destroyed) return;
    const fault = script.fault;
    if (fault === "hang") return;
    if (fault === "unauthorized" || fault === "rate-limit" || fault === "server-error" || fault === "context-length") {
      const answer = format.errorAnswer(fault, script);
      return json(res, answer.status, answer.body, answer.headers);
    }

    const ctx = chatContext(format, model, body, script);
    res.writeHead(200, { "Content-Type": format.contentType, "Cache-Control": "no-cache", Connection: "keep-alive" });
    const frames = format.frames(ctx);
    if (script.drip) return drip(res, frames.map((f) => f.text).join(""), script.drip);

    const faultAt = script.faultAfterTokens ?? 1;
    const midStreamFault = fault === "cut" || fault === "malformed" || fault === "stall" || fault === "stream-error";
    let tokensSent = 0;
    for (const frame of frames) {
      if (res.destroyed) return;
      if (frame.token) {
        if (midStreamFault && tokensSent === faultAt) break;
        if (script.tokenDelayMs) await sleep(script.tokenDelayMs);
        if (res.destroyed) return;
        tokensSent++;
      }
      res.write(frame.text);
    }
    if (!midStreamFault) return res.end();
    // Let the frames so far reach the client before the fault.
    await sleep(20);
    if (res.destroyed) return;
    if (fault === "cut") {
      cutByServer = true;
      res.socket?.destroy();
    } else if (fault === "malformed") {
      res.end(format.malformedFrame());
    } else if (fault === "stream-error") {
      res.end(format.streamErrorFrame());
    }
    // "stall": the connection stays open until the client gives up.
  });

  function control(url: URL, record: RecordedRequest, res: http.ServerResponse) {
    if (url.pathname === "/__fake/script" && record.method === "POST") {
      source = (record.body as FakeScript | FakeScript[] | undefined) ?? {};
      chatIndex = 0;
      return json(res, 200, { ok: true });
    }
    if (url.pathname === "/__fake/requests" && record.method === "GET") return json(res, 200, requests);
    return json(res, 404, { error: { message: "unknown control route" } });
  }

  let connections = 0;
  server.on("connection", (socket) => {
    connections++;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://${options.host ?? "127.0.0.1"}:${port}`;

  return {
    kind: format.kind,
    origin,
    baseUrl: format.baseUrl(origin),
    baseUrlEnvVar: format.baseUrlEnvVar,
    port,
    requests,
    get connections() {
      return connections;
    },
    chatRequests: () => requests.filter((r) => r.chat),
    setScript(script) {
      source = script;
      chatIndex = 0;
    },
    setModelListFault(fault) {
      modelListFault = fault;
    },
    waitForClientClose(timeoutMs = 5000) {
      const already = requests.find((r) => r.clientClosedEarly);
      if (already) return Promise.resolve(already);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          events.off("client-close", onClose);
          reject(new Error(`fake ${format.kind}: no client closed its socket within ${timeoutMs} ms`));
        }, timeoutMs);
        function onClose(record: RecordedRequest) {
          clearTimeout(timer);
          resolve(record);
        }
        events.once("client-close", onClose);
      });
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

async function drip(res: http.ServerResponse, body: string, { bytes, everyMs }: { bytes: number; everyMs: number }) {
  const buffer = Buffer.from(body, "utf8");
  for (let offset = 0; offset < buffer.length; offset += bytes) {
    if (res.destroyed) return;
    res.write(buffer.subarray(offset, offset + bytes));
    await sleep(everyMs);
  }
  res.end();
}

/** A URL on 127.0.0.1 where nothing listens (connection refused). */
export async function refusedUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

/** Text of the last user message in an OpenAI/Ollama/Anthropic-style `messages` array. */
export function lastUserContent(messages: unknown): string {
  if (!Array.isArray(messages)) return "";
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i] as { role?: string; content?: unknown };
    if (message?.role !== "user") continue;
    if (typeof message.content === "string") return message.content;
    if (Array.isArray(message.content)) {
      return message.content.map((part: { text?: string }) => part?.text ?? "").join("");
    }
  }
  return "";
}

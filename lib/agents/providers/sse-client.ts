// A lean client for vendor APIs that answer a JSON POST with server-sent events, on
// node:http(s) and its keep-alive agents. The OpenAI SDK reads the same stream through
// fetch, web streams and four async generators: on the benchmark machine that cost about
// 1.6 ms of CPU per request and 70–100 µs per token, against 0.4 ms and 20–35 µs here
// (bench/README.md). Streaming chat is the hot path of every turn, so it reads the wire itself.
import http, { type IncomingHttpHeaders, type IncomingMessage } from "node:http";
import https from "node:https";

export type SseResponse =
  /** 2xx: the `data` of each event, in order, until the server ends the response. */
  | { ok: true; status: number; events: AsyncGenerator<string> }
  /** Anything else: the start of the body, for the vendor's error message. */
  | { ok: false; status: number; headers: Headers; body: string };

export interface SseRequest {
  headers: Record<string, string>;
  body: string;
  /** Aborting destroys the connection; reads then throw and the caller checks `signal.aborted`. */
  signal: AbortSignal;
}

/** Enough of an error body for its message; the rest is not read. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

/** POSTs `body` to `url`. Rejects when no response arrives (refused, DNS, TLS, reset). */
export async function postForEvents(url: string, request: SseRequest): Promise<SseResponse> {
  const response = await send(url, request);
  const status = response.statusCode ?? 0;
  if (status >= 200 && status < 300) return { ok: true, status, events: eventData(response) };
  return { ok: false, status, headers: toHeaders(response.headers), body: await readStart(response, MAX_ERROR_BODY_BYTES) };
}

function send(url: string, { headers, body, signal }: SseRequest, retried = false): Promise<IncomingMessage> {
  const transport = url.startsWith("https:") ? https : http;
  return new Promise((resolve, reject) => {
    const outgoing = transport.request(
      url,
      { method: "POST", headers: { ...headers, "Content-Length": String(Buffer.byteLength(body)) } },
      (response) => {
        // An abort after this point errors the response too; its reader reports that, nothing may throw it.
        response.on("error", () => {});
        resolve(response);
      },
    );
    // Not the `signal` option: the agent would hand it to the socket, and a kept-alive socket
    // would then be destroyed whenever this request's signal fired, serving another request or idle.
    // Destroyed without an error: one passed here would reach a socket the request may already
    // have let go of, where nobody listens. Readers then fail with a reset and see the signal.
    const abort = () => outgoing.destroy();
    signal.addEventListener("abort", abort, { once: true });
    outgoing.once("close", () => signal.removeEventListener("abort", abort));
    // `on`, not `once`: an abort can follow another error, and an unheard error would crash the process.
    outgoing.on("error", (err: NodeJS.ErrnoException) => {
      // A kept-alive connection the server closed while idle: the request never reached it.
      if (outgoing.reusedSocket && err.code === "ECONNRESET" && !retried && !signal.aborted) {
        resolve(send(url, { headers, body, signal }, true));
      } else {
        reject(err);
      }
    });
    outgoing.end(body);
  });
}

/** The `data` field of each event (SSE: lines up to a blank line; other fields are not used). */
async function* eventData(response: IncomingMessage): AsyncGenerator<string> {
  response.setEncoding("utf8");
  let pending = "";
  let data: string[] = [];
  // Leaving the loop early (return/throw) destroys the response, so the socket is not reused half-read.
  for await (const chunk of response as AsyncIterable<string>) {
    pending += chunk;
    let start = 0;
    for (let end = pending.indexOf("\n"); end !== -1; end = pending.indexOf("\n", start)) {
      const line = pending.charCodeAt(end - 1) === 13 ? pending.slice(start, end - 1) : pending.slice(start, end);
      start = end + 1;
      if (line === "") {
        if (data.length > 0) yield data.join("\n");
        data = [];
      } else if (line.startsWith("data:")) {
        data.push(line.slice(line.charCodeAt(5) === 32 ? 6 : 5));
      }
    }
    pending = pending.slice(start);
  }
  // An event without its closing blank line was cut off: it is dropped, as the SSE rules say.
}

function readStart(response: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = () => resolve(Buffer.concat(chunks).toString("utf8"));
    response.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= limit) {
        response.destroy();
        finish();
      }
    });
    response.once("end", finish);
    response.once("error", finish);
  });
}

function toHeaders(raw: IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  return headers;
}

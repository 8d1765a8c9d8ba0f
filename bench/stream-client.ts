// One SSE client for both sides of the comparison: the same code times a stream straight
// from the fake provider (the baseline) and a stream through POST /api/invoke. It reads raw
// blocks without parsing JSON, so the client costs the same on both sides and stays cheap
// when a hundred streams run at once.
import http from "node:http";
import { monotonicMicros } from "@/bench/clock";

export interface StreamTiming {
  status: number;
  /** Request start to the first token, in ms. */
  ttftMs: number;
  tokens: number;
  totalMs: number;
  /** Per token: arrival minus the fake's stamp, in µs (only when asked for). */
  delaysUs: number[];
  /** The raw blocks, when asked for (to read ids out of a short turn). */
  blocks: string[];
  /** Sent again because a pooled keep-alive socket was closed under the request (see below). */
  retried: boolean;
}

export interface StreamKind {
  /** Does this SSE block carry an answer token? */
  isToken(block: string): boolean;
  /** The field in front of a token's stamp. */
  stampField: string;
}

/** Blocks of POST /api/invoke: `id: n\nevent: token\ndata: {…,"text":" <stamp>"}`. */
export const INVOKE_STREAM: StreamKind = {
  isToken: (block) => block.includes("\nevent: token\n"),
  stampField: '"text":" ',
};

/** Blocks of the OpenAI wire: `data: {…"delta":{"content":" <stamp>"}…}`; the role chunk's content is empty. */
export const PROVIDER_STREAM: StreamKind = {
  isToken: (block) => block.includes('"content":" '),
  stampField: '"content":" ',
};

export function stampOf(block: string, field: string): number {
  const at = block.lastIndexOf(field);
  return at < 0 ? NaN : parseInt(block.slice(at + field.length, at + field.length + 24), 10);
}

export interface StreamOptions {
  agent: http.Agent;
  kind: StreamKind;
  collectDelays?: boolean;
  keepBlocks?: boolean;
}

/**
 * POSTs `body` as JSON and times the SSE answer until the server ends it. A pooled keep-alive
 * socket that the peer closes (its keep-alive timeout) just as a request goes out fails with
 * ECONNRESET before the peer has read anything; as Node's docs advise (`request.reusedSocket`)
 * that request is sent once more, timed from the new start.
 */
export async function timeStream(url: string, body: unknown, options: StreamOptions): Promise<StreamTiming> {
  try {
    return await timeStreamOnce(url, body, options);
  } catch (err) {
    if (!(err instanceof StaleSocketError)) throw err;
    return { ...(await timeStreamOnce(url, body, options)), retried: true };
  }
}

class StaleSocketError extends Error {}

function timeStreamOnce(url: string, body: unknown, options: StreamOptions): Promise<StreamTiming> {
  const payload = JSON.stringify(body);
  const { kind } = options;
  return new Promise((resolve, reject) => {
    const startedAt = performance.now();
    const timing: StreamTiming = { status: 0, ttftMs: NaN, tokens: 0, totalMs: NaN, delaysUs: [], blocks: [], retried: false };
    let answered = false;
    const request = http.request(
      url,
      {
        method: "POST",
        agent: options.agent,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(payload) },
      },
      (response) => {
        answered = true;
        timing.status = response.statusCode ?? 0;
        response.setEncoding("utf8");
        let pending = "";
        response.on("data", (chunk: string) => {
          const arrivedAt = performance.now();
          const arrivedUs = options.collectDelays ? monotonicMicros() : 0;
          pending += chunk;
          let boundary: number;
          while ((boundary = pending.indexOf("\n\n")) >= 0) {
            const block = pending.slice(0, boundary);
            pending = pending.slice(boundary + 2);
            if (options.keepBlocks) timing.blocks.push(block);
            if (!kind.isToken(`\n${block}`)) continue;
            if (timing.tokens === 0) timing.ttftMs = arrivedAt - startedAt;
            timing.tokens++;
            if (options.collectDelays) timing.delaysUs.push(arrivedUs - stampOf(block, kind.stampField));
          }
        });
        response.on("end", () => {
          timing.totalMs = performance.now() - startedAt;
          resolve(timing);
        });
        response.on("error", (err) => reject(new Error(`${url}: ${err.message} after ${timing.tokens} tokens`)));
      },
    );
    request.on("error", (err: NodeJS.ErrnoException) => {
      const stale = !answered && request.reusedSocket && err.code === "ECONNRESET";
      reject(stale ? new StaleSocketError(err.message) : new Error(`${url}: ${err.message}`));
    });
    request.end(payload);
  });
}

// The request/response helpers of lib/http for endpoints that server.ts serves itself with
// node:http (POST /api/invoke), so they read, validate and answer exactly like the Next
// route handlers: same size limit, same error shape.
import type { IncomingMessage, ServerResponse } from "node:http";
import { errorBody, errorHeaders, toAppError } from "@/lib/http/errors";
import { readJson, tooLarge } from "@/lib/http/request";

export function readNodeJsonBody(request: IncomingMessage, limit?: number): Promise<unknown> {
  return readJson(
    {
      contentType: request.headers["content-type"],
      contentLength: request.headers["content-length"],
      read: (max) => readNodeBody(request, max),
    },
    limit,
  );
}

function readNodeBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      // Stop reading; the answer closes the connection (see sendJson) instead of draining the rest.
      request.off("data", onData).pause();
      reject(tooLarge(limit));
    };
    request.on("data", onData);
    request.once("end", () => resolve(Buffer.concat(chunks, size)));
    request.once("error", reject);
  });
}

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const json = JSON.stringify(body);
  // A body left unread (too large, or rejected before reading) must not be parsed as the next request.
  const close = response.req.readableEnded ? {} : { Connection: "close" };
  response.writeHead(status, {
    "Content-Type": "application/json",
    "Content-Length": String(Buffer.byteLength(json)),
    ...close,
    ...headers,
  });
  response.end(json);
}

/** Anything thrown, as the one JSON error shape (see lib/http/errors.ts). */
export function sendError(response: ServerResponse, err: unknown): void {
  const appError = toAppError(err);
  if (response.headersSent) {
    response.destroy();
    return;
  }
  sendJson(response, appError.status, errorBody(appError), errorHeaders(appError));
}

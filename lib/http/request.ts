// Parsing of request bodies, params and query strings: everything is checked with zod
// before a handler does any work, and failures become API.md's error codes.
import { z } from "zod";
import { AppError, errorResponse, validationError } from "@/lib/http/errors";
import { getEnv } from "@/lib/env";

/** A request body to read as JSON, from a Web `Request` or a Node `IncomingMessage`. */
export interface JsonBodySource {
  contentType: string | null | undefined;
  contentLength: string | null | undefined;
  /** The body's bytes; rejects with payload_too_large past `limit` bytes. */
  read(limit: number): Promise<Buffer>;
}

/** Reads a JSON body with a size limit: 415 when not JSON, 413 when too big, 400 when malformed. */
export async function readJson(source: JsonBodySource, limit = getEnv().MAX_BODY_BYTES): Promise<unknown> {
  if (!/^application\/([\w.+-]*\+)?json\b/i.test((source.contentType ?? "").trim())) {
    throw new AppError("unsupported_media_type", "Send the body as JSON with Content-Type: application/json.");
  }
  const declared = Number(source.contentLength ?? "NaN");
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);

  const text = (await source.read(limit)).toString("utf8");
  if (text.trim() === "") throw new AppError("invalid_json", "The request body is empty; send a JSON object.");
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new AppError("invalid_json", `The request body is not valid JSON: ${(err as Error).message}`);
  }
}

export function readJsonBody(request: Request, limit?: number): Promise<unknown> {
  return readJson(
    {
      contentType: request.headers.get("content-type"),
      contentLength: request.headers.get("content-length"),
      read: (max) => readWebBody(request, max),
    },
    limit,
  );
}

async function readWebBody(request: Request, limit: number): Promise<Buffer> {
  if (!request.body) return Buffer.alloc(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

export function tooLarge(limit: number): AppError {
  return new AppError("payload_too_large", `The request body is larger than ${limit} bytes.`);
}

export async function parseBody<S extends z.ZodType>(request: Request, schema: S): Promise<z.infer<S>> {
  return parseWith(schema, await readJsonBody(request), "body");
}

export function parseQuery<S extends z.ZodType>(request: Request, schema: S): z.infer<S> {
  const params = new URL(request.url).searchParams;
  const query: Record<string, string> = {};
  for (const [key, value] of params) query[key] = value;
  return parseWith(schema, query, "query");
}

export async function parseParams<S extends z.ZodType>(params: Promise<unknown>, schema: S): Promise<z.infer<S>> {
  return parseWith(schema, await params, "path");
}

export function parseWith<S extends z.ZodType>(schema: S, value: unknown, where: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(result.error, where);
  return result.data;
}

type RouteContext = { params: Promise<Record<string, string>> };

/** Wraps a route handler: any thrown error becomes the one JSON error shape. */
export function route(handler: (request: Request, context: RouteContext) => Promise<Response>) {
  return async (request: Request, context: RouteContext): Promise<Response> => {
    try {
      return await handler(request, context);
    } catch (err) {
      return errorResponse(err);
    }
  };
}

import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AppError, errorResponse } from "@/lib/http/errors";
import { parseBody, route } from "@/lib/http/request";

const schema = z.object({ name: z.string() }).strict();

function post(body: string | null, contentType = "application/json") {
  return new Request("http://test/api", { method: "POST", body, headers: contentType ? { "content-type": contentType } : {} });
}

async function codeOf(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (err) {
    return (err as AppError).code;
  }
  return "no error";
}

describe("parseBody", () => {
  it("parses a valid JSON body", async () => {
    expect(await parseBody(post('{"name":"x"}'), schema)).toEqual({ name: "x" });
    expect(await parseBody(post('{"name":"x"}', "application/json; charset=utf-8"), schema)).toEqual({ name: "x" });
  });

  it("maps each kind of bad body to its code", async () => {
    expect(await codeOf(parseBody(post("{"), schema))).toBe("invalid_json");
    expect(await codeOf(parseBody(post(""), schema))).toBe("invalid_json");
    expect(await codeOf(parseBody(post('{"name":1}'), schema))).toBe("validation_error");
    expect(await codeOf(parseBody(post('{"name":"x","extra":1}'), schema))).toBe("validation_error");
    expect(await codeOf(parseBody(post('{"name":"x"}', "text/plain"), schema))).toBe("unsupported_media_type");
    expect(await codeOf(parseBody(post("{}", ""), schema))).toBe("unsupported_media_type");
  });

  it("stops reading a body over the limit, even without a content-length", async () => {
    const chunks = new ReadableStream({
      pull(controller) {
        controller.enqueue(new TextEncoder().encode("x".repeat(1024)));
      },
    });
    const request = new Request("http://test/api", {
      method: "POST",
      body: chunks,
      headers: { "content-type": "application/json" },
      duplex: "half",
    } as RequestInit);
    const { readJsonBody } = await import("@/lib/http/request");
    expect(await codeOf(readJsonBody(request, 10_000))).toBe("payload_too_large");
  });
});

describe("error responses", () => {
  it("renders one JSON shape with the status of the code", async () => {
    const response = errorResponse(new AppError("not_found", "No agent with id x."));
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: "not_found", message: "No agent with id x." } });
  });

  it("answers an unexpected failure (like a database error) with 500 internal, never a 4xx, and hides the cause", async () => {
    const handler = route(async () => {
      throw new Error("SQLITE_CANTOPEN: unable to open database file /secret/path");
    });
    const original = console.error;
    console.error = () => {};
    try {
      const response = await handler(new Request("http://test/api"), { params: Promise.resolve({}) });
      expect(response.status).toBe(500);
      const body = await response.json();
      expect(body.error.code).toBe("internal");
      expect(JSON.stringify(body)).not.toContain("/secret/path");
    } finally {
      console.error = original;
    }
  });

  it("sends Retry-After for rate limits", () => {
    const response = errorResponse(new AppError("rate_limited", "slow down", undefined, 2500));
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("3");
  });
});

// Every fault, for every vendor, ends in API.md's code with a message that names the
// provider and the model, says what to do, and never contains a key.
import { describe, expect, it } from "vitest";
import { streamAgent, type RunPart } from "@/lib/agents/run";
import type { StreamPart } from "@/lib/agents/types";
import { refusedUrl, type FakeScript } from "@/tests/fakes";
import { CHAT, PROVIDER_CASES, collect, setEnv, streamParts, type ProviderCase, useFakeVendor } from "@/tests/unit/providers/provider-cases";

type ErrorPart = Extract<StreamPart, { type: "error" }>;

const FAST = { firstTokenTimeoutMs: 400, idleTimeoutMs: 400, maxRetries: 0 };

function lastError(parts: (StreamPart | RunPart)[]): ErrorPart {
  const last = parts.at(-1);
  expect(last?.type).toBe("error");
  return last as ErrorPart;
}

function expectUsefulMessage(testCase: ProviderCase, error: ErrorPart) {
  expect(error.message).toContain(testCase.label);
  expect(error.message).toContain(testCase.target.model);
  if (testCase.key) expect(error.message).not.toContain(testCase.key);
}

describe.each(PROVIDER_CASES)("$name faults", (testCase) => {
  const fake = useFakeVendor(testCase);

  async function partsFor(script: FakeScript): Promise<StreamPart[]> {
    fake().setScript(script);
    return streamParts(testCase);
  }

  function runAgent(signal = new AbortController().signal): Promise<RunPart[]> {
    return collect(streamAgent(testCase.target, CHAT, signal, FAST));
  }

  it("not configured -> provider_not_configured naming the variable, before any request", async () => {
    setEnv(testCase.unconfigure);
    const parts = await streamParts(testCase);
    expect(parts).toHaveLength(1);
    const error = lastError(parts);
    expect(error).toMatchObject({ code: "provider_not_configured", retryable: false });
    expect(error.message).toContain(testCase.missingVar);
    expectUsefulMessage(testCase, error);
    expect(fake().requests).toHaveLength(0);
  });

  it("401 / bad key -> provider_auth", async () => {
    const error = lastError(await partsFor({ fault: "unauthorized" }));
    expect(error).toMatchObject({ code: "provider_auth", retryable: false });
    if (testCase.keyEnvVar) expect(error.message).toContain(testCase.keyEnvVar);
    expectUsefulMessage(testCase, error);
  });

  it("429 with Retry-After -> rate_limited with the delay", async () => {
    const error = lastError(await partsFor({ fault: "rate-limit", retryAfterSeconds: 2 }));
    expect(error).toMatchObject({ code: "rate_limited", retryable: true, retryAfterMs: 2000 });
    expect(error.message).toMatch(/retry after 2 s/i);
    expectUsefulMessage(testCase, error);
  });

  it("500 -> provider_error, retryable", async () => {
    const error = lastError(await partsFor({ fault: "server-error" }));
    expect(error).toMatchObject({ code: "provider_error", retryable: true });
    expect(error.message).toContain("HTTP 500");
    expectUsefulMessage(testCase, error);
  });

  it("context overflow -> context_length_exceeded", async () => {
    const error = lastError(await partsFor({ fault: "context-length" }));
    expect(error).toMatchObject({ code: "context_length_exceeded", retryable: false });
    expectUsefulMessage(testCase, error);
  });

  it("connection refused -> provider_unavailable naming the URL", async () => {
    const url = await refusedUrl();
    const baseUrl = testCase.kind === "openai" ? `${url}/v1` : url;
    setEnv(Object.fromEntries(Object.entries(testCase.env(fake())).map(([name, value]) => [name, value === fake().baseUrl ? baseUrl : value])));
    const error = lastError(await streamParts(testCase));
    expect(error).toMatchObject({ code: "provider_unavailable", retryable: true });
    expect(error.message).toContain(baseUrl);
    // The Gemini SDK drops the network cause, so only "could not connect" is known there.
    expect(error.message).toContain(testCase.kind === "gemini" ? "could not connect" : "connection refused");
    expectUsefulMessage(testCase, error);
  });

  it("hang before the first byte -> first-token timeout, provider_unavailable, vendor socket closed", async () => {
    fake().setScript({ fault: "hang" });
    const error = lastError(await runAgent());
    expect(error).toMatchObject({ code: "provider_unavailable", retryable: true });
    expect(error.message).toContain("PROVIDER_FIRST_TOKEN_TIMEOUT_MS");
    expectUsefulMessage(testCase, error);
    await fake().waitForClientClose(2000);
  });

  it("connection cut mid-stream -> the text so far, then provider_error", async () => {
    const parts = await partsFor({ text: "Hello there, friend.", fault: "cut", faultAfterTokens: 1 });
    expect(parts[0]).toEqual({ type: "text-delta", text: "Hello" });
    const error = lastError(parts);
    expect(parts).toHaveLength(2);
    expect(error).toMatchObject({ code: "provider_error", retryable: true });
    expectUsefulMessage(testCase, error);
  });

  it("malformed chunk -> provider_error naming the malformed chunk", async () => {
    const parts = await partsFor({ text: "Hello there, friend.", fault: "malformed", faultAfterTokens: 1 });
    expect(parts[0]).toEqual({ type: "text-delta", text: "Hello" });
    const error = lastError(parts);
    expect(parts).toHaveLength(2);
    expect(error).toMatchObject({ code: "provider_error" });
    expect(error.message).toContain("malformed");
    expectUsefulMessage(testCase, error);
  });

  it("vendor error inside the stream -> provider_error after the text so far", async () => {
    const parts = await partsFor({ text: "Hello there, friend.", fault: "stream-error", faultAfterTokens: 1 });
    expect(parts[0]).toEqual({ type: "text-delta", text: "Hello" });
    const error = lastError(parts);
    expect(parts).toHaveLength(2);
    expect(error).toMatchObject({ code: "provider_error", retryable: true });
    expectUsefulMessage(testCase, error);
  });

  it("silence mid-stream -> idle timeout, provider_unavailable, vendor socket closed", async () => {
    fake().setScript({ text: "Hello there, friend.", fault: "stall", faultAfterTokens: 1 });
    const parts = await runAgent();
    expect(parts.filter((p) => p.type === "text-delta")).toEqual([{ type: "text-delta", text: "Hello" }]);
    const error = lastError(parts);
    expect(error).toMatchObject({ code: "provider_unavailable" });
    expect(error.message).toContain("PROVIDER_IDLE_TIMEOUT_MS");
    expectUsefulMessage(testCase, error);
    await fake().waitForClientClose(2000);
  });

  it("a slow drip within the idle timeout is not a fault", async () => {
    fake().setScript({ text: "Hello there, friend.", tokenDelayMs: 100 });
    const parts = await runAgent();
    expect(parts.map((p) => p.type)).toEqual(["route", "text-delta", "text-delta", "text-delta", "finish"]);
  });
});

// streamAgent: retries only before the first part and only for retryable failures (bounded,
// honouring Retry-After), then fallbacks in order, and a `route` part naming what answered.
import { getEventListeners } from "node:events";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { streamAgent, type RunPart, type StreamAgentOptions } from "@/lib/agents/run";
import type { Provider, StreamPart } from "@/lib/agents/types";
import { startFakeAnthropic, startFakeOpenAI, type FakeServer } from "@/tests/fakes";
import { CHAT, KEYS, clearProviderEnv, collect, setEnv } from "@/tests/unit/providers/provider-cases";

const OPTIONS: StreamAgentOptions = { firstTokenTimeoutMs: 2000, idleTimeoutMs: 2000, maxRetries: 2, backoffBaseMs: 5 };
const OPENAI = { provider: "openai" as const, model: "gpt-4o-mini" };
const ANTHROPIC = { provider: "anthropic" as const, model: "claude-sonnet-5" };

let openai: FakeServer;
let anthropic: FakeServer;
let restoreEnv: () => void;

beforeEach(async () => {
  clearProviderEnv();
  openai = await startFakeOpenAI();
  anthropic = await startFakeAnthropic();
  restoreEnv = setEnv({
    OPENAI_BASE_URL: openai.baseUrl,
    OPENAI_API_KEY: KEYS.openai,
    ANTHROPIC_BASE_URL: anthropic.baseUrl,
    ANTHROPIC_API_KEY: KEYS.anthropic,
  });
  vi.spyOn(console, "error").mockImplementation(() => {});
});

afterEach(async () => {
  vi.restoreAllMocks();
  restoreEnv();
  await Promise.all([openai.close(), anthropic.close()]);
});

function run(agent: Parameters<typeof streamAgent>[0], options: StreamAgentOptions = OPTIONS): Promise<RunPart[]> {
  return collect(streamAgent(agent, CHAT, new AbortController().signal, options));
}

const ANSWER: RunPart[] = [
  { type: "route", provider: "openai", model: "gpt-4o-mini" },
  { type: "text-delta", text: "Hello" },
  { type: "text-delta", text: " again." },
  { type: "finish", finishReason: "stop", usage: { inputTokens: 12, outputTokens: 2 } },
];

describe("retries", () => {
  it("retries a 500 before the first token and then streams the answer", async () => {
    openai.setScript([{ fault: "server-error" }, { text: "Hello again." }]);
    expect(await run(OPENAI)).toEqual(ANSWER);
    expect(openai.chatRequests()).toHaveLength(2);
  });

  it("retries a malformed first chunk and a first-token timeout", async () => {
    openai.setScript([{ fault: "malformed", faultAfterTokens: 0 }, { fault: "hang" }, { text: "Hello again." }]);
    expect(await run(OPENAI, { ...OPTIONS, firstTokenTimeoutMs: 300 })).toEqual(ANSWER);
    expect(openai.chatRequests()).toHaveLength(3);
    // The timed-out attempt's connection was closed, not left hanging.
    expect(openai.chatRequests()[1].clientClosedEarly).toBe(true);
  });

  it("waits the Retry-After the vendor asked for", async () => {
    openai.setScript([{ fault: "rate-limit", retryAfterSeconds: 1 }, { text: "Hello again." }]);
    const started = performance.now();
    expect(await run(OPENAI)).toEqual(ANSWER);
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    const [first, second] = openai.chatRequests();
    expect(second.receivedAt - first.receivedAt).toBeGreaterThanOrEqual(950);
  });

  it("does not wait out a Retry-After longer than the limit", async () => {
    openai.setScript({ fault: "rate-limit", retryAfterSeconds: 120 });
    const parts = await run(OPENAI, { ...OPTIONS, maxRetryAfterMs: 1000 });
    expect(parts).toEqual([expect.objectContaining({ type: "error", code: "rate_limited", retryAfterMs: 120_000 })]);
    expect(openai.chatRequests()).toHaveLength(1);
  });

  it("gives up after PROVIDER_MAX_RETRIES retries with the last failure", async () => {
    openai.setScript({ fault: "server-error" });
    const parts = await run(OPENAI);
    expect(parts).toEqual([expect.objectContaining({ type: "error", code: "provider_error", retryable: true })]);
    expect(openai.chatRequests()).toHaveLength(3);
  });

  it("does not retry what a retry cannot fix (a rejected key)", async () => {
    openai.setScript({ fault: "unauthorized" });
    const parts = await run(OPENAI);
    expect(parts).toEqual([expect.objectContaining({ type: "error", code: "provider_auth" })]);
    expect(openai.chatRequests()).toHaveLength(1);
  });

  it("never retries once a token has been streamed", async () => {
    openai.setScript([{ text: "Hello again.", fault: "cut", faultAfterTokens: 1 }, { text: "Hello again." }]);
    const parts = await run(OPENAI);
    expect(parts).toEqual([
      { type: "route", provider: "openai", model: "gpt-4o-mini" },
      { type: "text-delta", text: "Hello" },
      expect.objectContaining({ type: "error", code: "provider_error" }),
    ]);
    expect(openai.chatRequests()).toHaveLength(1);
  });

  it("never retries after the first token even when the failure is an idle timeout", async () => {
    openai.setScript([{ text: "Hello again.", fault: "stall", faultAfterTokens: 1 }, { text: "Hello again." }]);
    const parts = await run(OPENAI, { ...OPTIONS, idleTimeoutMs: 300 });
    expect(parts.map((p) => p.type)).toEqual(["route", "text-delta", "error"]);
    expect(parts.at(-1)).toMatchObject({ code: "provider_unavailable" });
    expect(openai.chatRequests()).toHaveLength(1);
  });
});

describe("fallbacks", () => {
  it("moves to the next entry when the primary fails before its first part, and reports the route", async () => {
    openai.setScript({ fault: "server-error" });
    anthropic.setScript({ text: "From Claude." });
    const parts = await run({ ...OPENAI, fallbacks: [ANTHROPIC] }, { ...OPTIONS, maxRetries: 1 });
    expect(parts).toEqual([
      { type: "route", provider: "anthropic", model: "claude-sonnet-5" },
      { type: "text-delta", text: "From" },
      { type: "text-delta", text: " Claude." },
      { type: "finish", finishReason: "stop", usage: { inputTokens: 12, outputTokens: 2 } },
    ]);
    expect(openai.chatRequests()).toHaveLength(2);
    expect(anthropic.chatRequests()).toHaveLength(1);
  });

  it("skips an unconfigured primary without calling it", async () => {
    setEnv({ OPENAI_API_KEY: undefined });
    const parts = await run({ ...OPENAI, fallbacks: [ANTHROPIC] });
    expect(parts[0]).toEqual({ type: "route", provider: "anthropic", model: "claude-sonnet-5" });
    expect(openai.requests).toHaveLength(0);
  });

  it("tries the entries in order and names the endpoint of an OpenAI-compatible fallback", async () => {
    const compatible = await startFakeOpenAI({ script: { text: "Compatible." } });
    setEnv({ ENDPOINT_LOCALAI_URL: compatible.baseUrl });
    openai.setScript({ fault: "unauthorized" });
    anthropic.setScript({ fault: "context-length" });
    try {
      const parts = await run({
        ...OPENAI,
        fallbacks: [ANTHROPIC, { provider: "openai-compatible", model: "qwen", endpoint: "localai" }],
      });
      expect(parts[0]).toEqual({ type: "route", provider: "openai-compatible", model: "qwen", endpoint: "localai" });
      expect(parts.filter((p) => p.type === "text-delta").map((p) => (p as { text: string }).text).join("")).toBe("Compatible.");
      expect(openai.chatRequests()).toHaveLength(1);
      expect(anthropic.chatRequests()).toHaveLength(1);
    } finally {
      await compatible.close();
    }
  });

  it("when every entry fails, reports the primary's failure and names the fallbacks that failed", async () => {
    openai.setScript({ fault: "unauthorized" });
    anthropic.setScript({ fault: "unauthorized" });
    const parts = await run({ ...OPENAI, fallbacks: [ANTHROPIC] });
    expect(parts).toHaveLength(1);
    expect(parts[0]).toMatchObject({ type: "error", code: "provider_auth" });
    const { message } = parts[0] as { message: string };
    expect(message).toContain("OpenAI (gpt-4o-mini)");
    expect(message).toContain("Fallbacks failed too (anthropic claude-sonnet-5: provider_auth)");
  });
});

describe("contract with misbehaving providers", () => {
  function scripted(stream: Provider["stream"]): Provider {
    return { id: "openai", stream, listModels: async () => [], checkHealth: async () => ({ reachable: true }) };
  }

  it("turns a provider that throws into an error part instead of throwing", async () => {
    const provider = scripted(async function* () {
      throw new Error(`boom with ${KEYS.openai}`);
    });
    const parts = await run(OPENAI, { ...OPTIONS, getProvider: () => provider });
    expect(parts).toEqual([expect.objectContaining({ type: "error", code: "provider_error" })]);
    expect(JSON.stringify(parts)).not.toContain(KEYS.openai);
  });

  it("treats a stream that ends without any part as a retryable failure", async () => {
    let calls = 0;
    const provider = scripted(async function* () {
      calls++;
      if (calls > 1) yield { type: "text-delta", text: "ok" };
    });
    const parts = await run(OPENAI, { ...OPTIONS, getProvider: () => provider });
    expect(parts.map((p) => p.type)).toEqual(["route", "text-delta"]);
    expect(calls).toBe(2);
  });

  /** Yields `before`, then waits forever on a request that ignores the abort; records its signal. */
  function stuckAfter(before: StreamPart[]): { provider: Provider; signals: AbortSignal[] } {
    const signals: AbortSignal[] = [];
    const provider = scripted(async function* (_request, signal) {
      signals.push(signal);
      yield* before;
      await new Promise(() => {});
    });
    return { provider, signals };
  }

  it("times out the first token even when the provider ignores the abort and never answers", async () => {
    const { provider, signals } = stuckAfter([]);
    const started = performance.now();
    const parts = await run(OPENAI, { ...OPTIONS, firstTokenTimeoutMs: 100, maxRetries: 0, getProvider: () => provider });
    expect(parts).toEqual([expect.objectContaining({ type: "error", code: "provider_unavailable", retryable: true })]);
    expect((parts[0] as { message: string }).message).toContain("within 100 ms");
    expect(performance.now() - started).toBeLessThan(1000);
    expect(signals[0].aborted).toBe(true);
  });

  it("times out an idle answer even when the provider ignores the abort and never answers", async () => {
    const { provider, signals } = stuckAfter([{ type: "text-delta", text: "Hel" }]);
    const parts = await run(OPENAI, { ...OPTIONS, idleTimeoutMs: 100, getProvider: () => provider });
    expect(parts).toEqual([
      { type: "route", provider: "openai", model: "gpt-4o-mini" },
      { type: "text-delta", text: "Hel" },
      expect.objectContaining({ type: "error", code: "provider_unavailable" }),
    ]);
    expect((parts[2] as { message: string }).message).toContain("stopped sending for 100 ms");
    expect(signals).toHaveLength(1);
    expect(signals[0].aborted).toBe(true);
  });

  it("ends quietly on the caller's abort even when the provider ignores it and never answers", async () => {
    const { provider, signals } = stuckAfter([{ type: "text-delta", text: "Hel" }]);
    const caller = new AbortController();
    const parts: RunPart[] = [];
    const started = performance.now();
    for await (const part of streamAgent(OPENAI, CHAT, caller.signal, { ...OPTIONS, getProvider: () => provider })) {
      parts.push(part);
      if (part.type === "text-delta") setTimeout(() => caller.abort(), 50);
    }
    expect(parts.map((p) => p.type)).toEqual(["route", "text-delta"]);
    // The idle timeout is 2 s: only the abort can have ended the wait this soon.
    expect(performance.now() - started).toBeLessThan(1000);
    expect(signals[0].aborted).toBe(true);
  });

  it("does not count a slow consumer's time against the idle timeout", async () => {
    const provider = scripted(async function* () {
      yield { type: "text-delta", text: "Hello" };
      yield { type: "text-delta", text: " again." };
      yield { type: "finish", finishReason: "stop", usage: { inputTokens: 12, outputTokens: 2 } };
    });
    const options = { ...OPTIONS, idleTimeoutMs: 50, getProvider: () => provider };
    const parts: RunPart[] = [];
    for await (const part of streamAgent(OPENAI, CHAT, new AbortController().signal, options)) {
      parts.push(part);
      await new Promise((resolve) => setTimeout(resolve, 120));
    }
    expect(parts).toEqual(ANSWER);
  });

  it("keeps at most one listener on the caller's signal however long the answer, and none once it ends", async () => {
    const provider = scripted(async function* () {
      for (let i = 0; i < 1000; i++) yield { type: "text-delta", text: "x" };
      yield { type: "finish", finishReason: "stop", usage: { inputTokens: 1, outputTokens: 1000 } };
    });
    const caller = new AbortController();
    let most = 0;
    let deltas = 0;
    for await (const part of streamAgent(OPENAI, CHAT, caller.signal, { ...OPTIONS, getProvider: () => provider })) {
      if (part.type === "text-delta") deltas++;
      most = Math.max(most, getEventListeners(caller.signal, "abort").length);
    }
    expect(deltas).toBe(1000);
    expect(most).toBe(1);
    expect(getEventListeners(caller.signal, "abort")).toHaveLength(0);
  });
});

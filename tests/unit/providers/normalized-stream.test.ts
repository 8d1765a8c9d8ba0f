// Every vendor, through its real SDK (or, for chat completions, our SSE client) against its fake,
// yields the same normalized parts.
import { afterEach, describe, expect, it } from "vitest";
import type { StreamPart } from "@/lib/agents/types";
import { startFake, type FakeServer } from "@/tests/fakes";
import { CHAT, PROVIDER_CASES, clearProviderEnv, setEnv, streamParts, useFakeVendor } from "@/tests/unit/providers/provider-cases";

const PLAIN: StreamPart[] = [
  { type: "text-delta", text: "Hello" },
  { type: "text-delta", text: " there," },
  { type: "text-delta", text: " friend." },
  { type: "finish", finishReason: "stop", usage: { inputTokens: 12, outputTokens: 3 } },
];

const WITH_REASONING: StreamPart[] = [
  { type: "reasoning-delta", text: "Let" },
  { type: "reasoning-delta", text: " me" },
  { type: "reasoning-delta", text: " think." },
  { type: "text-delta", text: "Hello" },
  { type: "text-delta", text: " there," },
  { type: "text-delta", text: " friend." },
  { type: "finish", finishReason: "stop", usage: { inputTokens: 12, outputTokens: 6 } },
];

describe.each(PROVIDER_CASES)("$name provider", (testCase) => {
  const fake = useFakeVendor(testCase);

  it("streams a plain answer as text deltas and a finish with usage", async () => {
    fake().setScript({ text: "Hello there, friend." });
    expect(await streamParts(testCase)).toEqual(PLAIN);
  });

  it("streams reasoning as reasoning deltas before the answer", async () => {
    fake().setScript({ text: "Hello there, friend.", reasoning: "Let me think." });
    expect(await streamParts(testCase)).toEqual(WITH_REASONING);
  });

  it("gives the same parts when the body arrives a few bytes at a time (slow drip)", async () => {
    fake().setScript({ text: "Hello there, friend.", drip: { bytes: 7, everyMs: 1 } });
    expect(await streamParts(testCase)).toEqual(PLAIN);
  });

  it("reports a length stop as finishReason length", async () => {
    fake().setScript({ text: "Hello there, friend.", finishReason: "length" });
    const parts = await streamParts(testCase);
    expect(parts.at(-1)).toMatchObject({ type: "finish", finishReason: "length" });
  });

  it("sends the model, the system prompt and the whole conversation in order", async () => {
    await streamParts(testCase);
    const [request] = fake().chatRequests();
    const body = request.body as Record<string, unknown>;
    const sent = JSON.stringify(body);
    expect(sent).toContain(CHAT.system);
    for (const message of CHAT.messages) expect(sent).toContain(message.content);
    if (testCase.kind === "gemini") {
      expect(request.path).toContain(`/models/${testCase.target.model}:streamGenerateContent`);
      expect(body.contents).toEqual([
        { role: "user", parts: [{ text: "Hi" }] },
        { role: "model", parts: [{ text: "Hello." }] },
        { role: "user", parts: [{ text: "Say something." }] },
      ]);
      expect(body.systemInstruction).toMatchObject({ parts: [{ text: CHAT.system }] });
    } else {
      expect(body.model).toBe(testCase.target.model);
    }
  });
});

describe("vendor-specific request details", () => {
  let fake: FakeServer;
  let restoreEnv: () => void;
  const byName = (name: string) => PROVIDER_CASES.find((c) => c.name === name)!;

  afterEach(async () => {
    restoreEnv();
    await fake.close();
  });

  async function run(name: string, script = {}) {
    clearProviderEnv();
    const testCase = byName(name);
    fake = await startFake(testCase.kind, { script });
    restoreEnv = setEnv(testCase.env(fake));
    const parts = await streamParts(testCase);
    return { parts, body: fake.chatRequests()[0].body as Record<string, unknown> };
  }

  it("asks OpenAI for usage in the stream and uses max_completion_tokens", async () => {
    const { body } = await run("openai");
    expect(body.stream_options).toEqual({ include_usage: true });
    expect(body.max_completion_tokens).toBe(CHAT.maxTokens);
    expect(body.messages).toEqual([{ role: "system", content: CHAT.system }, ...CHAT.messages]);
  });

  it("sends max_tokens to OpenAI-compatible endpoints", async () => {
    const { body } = await run("openai-compatible");
    expect(body.max_tokens).toBe(CHAT.maxTokens);
    expect(body.max_completion_tokens).toBeUndefined();
  });

  it("reads OpenRouter-style `reasoning` deltas as reasoning too", async () => {
    const { parts } = await run("openai-compatible", { text: "Hi", reasoning: "Hmm", reasoningField: "reasoning" });
    expect(parts.slice(0, 2)).toEqual([
      { type: "reasoning-delta", text: "Hmm" },
      { type: "text-delta", text: "Hi" },
    ]);
  });

  it("asks thinking Gemini models to include their thoughts", async () => {
    const { body } = await run("gemini");
    expect(body.generationConfig).toMatchObject({ temperature: CHAT.temperature, maxOutputTokens: CHAT.maxTokens, thinkingConfig: { includeThoughts: true } });
  });

  it("maps Ollama parameters to its options", async () => {
    const { body } = await run("ollama");
    expect(body.options).toEqual({ temperature: CHAT.temperature, num_predict: CHAT.maxTokens });
    expect(body.stream).toBe(true);
  });

  it("sends Anthropic the system prompt as its own field and max_tokens", async () => {
    const { body } = await run("anthropic");
    expect(body.system).toBe(CHAT.system);
    expect(body.max_tokens).toBe(CHAT.maxTokens);
    expect(body.messages).toEqual(CHAT.messages);
  });
});

// Our own SSE client serves the chat completions wire; the vendor SDKs manage their own pools.
describe.each(PROVIDER_CASES.filter((c) => c.kind === "openai"))("$name provider's connection", (testCase) => {
  const fake = useFakeVendor(testCase);

  it("stays open from turn to turn (kept alive, read to its end)", async () => {
    fake().setScript({ text: "Hello there, friend." });
    await streamParts(testCase);
    const opened = fake().connections;
    for (let turn = 0; turn < 3; turn++) expect(await streamParts(testCase)).toEqual(PLAIN);
    expect(fake().connections).toBe(opened);
  });
});

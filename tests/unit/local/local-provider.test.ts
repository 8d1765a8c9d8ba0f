// The embedded provider running the real llama.cpp on a tiny random-weight model written
// at test time (scripts/make-tiny-gguf.ts). That model never emits a special token, so
// every answer runs to maxTokens unless it is aborted: lengths below are exact.
import { mkdtemp, rm, truncate, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalModelRegistry, getLlamaRuntime } from "@/lib/agents/local/model-registry";
import { createLocalProvider, type LocalProviderOptions } from "@/lib/agents/providers/local";
import type { ChatRequest, StreamPart } from "@/lib/agents/types";
import { buildTinyGguf, writeTinyGguf } from "@/scripts/make-tiny-gguf";

let modelsDir: string;
let emptyDir: string;
beforeAll(async () => {
  modelsDir = await mkdtemp(path.join(os.tmpdir(), "local-provider-"));
  emptyDir = await mkdtemp(path.join(os.tmpdir(), "local-provider-empty-"));
  await writeTinyGguf(path.join(modelsDir, "a-tiny.gguf"));
  await writeFile(path.join(modelsDir, "corrupt.gguf"), Buffer.from("this is an HTML error page, not a model"));
  await writeFile(path.join(modelsDir, "no-heads.gguf"), buildTinyGguf({ omitKeys: ["llama.attention.head_count"] }));
  await writeFile(path.join(modelsDir, "truncated.gguf"), buildTinyGguf());
  await truncate(path.join(modelsDir, "truncated.gguf"), 250_000);
  // Loading llama.cpp takes a few seconds once per process (longer on a busy machine).
  await getLlamaRuntime(1);
}, 60_000);
afterAll(async () => {
  await rm(modelsDir, { recursive: true, force: true });
  await rm(emptyDir, { recursive: true, force: true });
});

function provider(overrides: Partial<LocalProviderOptions> = {}) {
  return createLocalProvider({
    modelsDir,
    defaultModelPath: undefined,
    registry: new LocalModelRegistry({ threads: 1, sequences: 2, maxContextSize: 1024 }),
    ...overrides,
  });
}

const request = (overrides: Partial<ChatRequest> = {}): ChatRequest => ({
  system: "You are terse.",
  messages: [{ role: "user", content: "Say something." }],
  model: "",
  temperature: 0.8,
  maxTokens: 24,
  ...overrides,
});

async function collect(parts: AsyncIterable<StreamPart>): Promise<StreamPart[]> {
  const out: StreamPart[] = [];
  for await (const part of parts) out.push(part);
  return out;
}

const text = (parts: StreamPart[]) => parts.map((p) => (p.type === "text-delta" ? p.text : "")).join("");

describe("local provider with a real model", { timeout: 30_000 }, () => {
  let shared: ReturnType<typeof provider>;
  beforeAll(() => {
    shared = provider();
  });

  it("streams text deltas and finishes with usage", async () => {
    const parts = await collect(shared.stream(request(), new AbortController().signal));
    const deltas = parts.filter((p) => p.type === "text-delta");
    expect(deltas.length).toBeGreaterThan(1);
    expect(text(parts).length).toBeGreaterThan(0);
    const finish = parts.at(-1);
    expect(finish).toMatchObject({ type: "finish", finishReason: "length", usage: { outputTokens: 24 } });
    if (finish?.type !== "finish") throw new Error("no finish part");
    // ChatML around a system and a user message: a few dozen tokens.
    expect(finish.usage.inputTokens).toBeGreaterThan(10);
    expect(finish.usage.inputTokens).toBeLessThan(200);
    expect(parts.filter((p) => p.type === "error")).toEqual([]);
  });

  it("answers a multi-turn conversation by its file name", async () => {
    const parts = await collect(
      shared.stream(
        request({
          model: "a-tiny.gguf",
          messages: [
            { role: "user", content: "Hello" },
            { role: "assistant", content: "Hi." },
            { role: "user", content: "And now?" },
          ],
          maxTokens: 8,
        }),
        new AbortController().signal,
      ),
    );
    expect(parts.at(-1)).toMatchObject({ type: "finish", usage: { outputTokens: 8 } });
  });

  it("stops at once when aborted, without a finish or error part", async () => {
    const controller = new AbortController();
    const parts: StreamPart[] = [];
    const started = performance.now();
    for await (const part of shared.stream(request({ maxTokens: 100_000 }), controller.signal)) {
      parts.push(part);
      if (parts.length === 5) controller.abort();
    }
    expect(performance.now() - started).toBeLessThan(5000);
    expect(parts.length).toBeGreaterThanOrEqual(5);
    expect(parts.length).toBeLessThan(20);
    expect(parts.every((p) => p.type === "text-delta")).toBe(true);
  });

  it("frees the sequence when the consumer stops reading early", async () => {
    const one = provider({ registry: new LocalModelRegistry({ threads: 1, sequences: 1, maxContextSize: 512 }) });
    for await (const part of one.stream(request({ maxTokens: 100_000 }), new AbortController().signal)) {
      expect(part.type).toBe("text-delta");
      break;
    }
    const next = await collect(one.stream(request({ maxTokens: 4 }), new AbortController().signal));
    expect(next.at(-1)).toMatchObject({ type: "finish" });
  });

  it("queues invocations beyond its sequences and answers them all", async () => {
    const one = provider({ registry: new LocalModelRegistry({ threads: 1, sequences: 1, maxContextSize: 512 }) });
    const answers = await Promise.all([1, 2, 3].map(() => collect(one.stream(request({ maxTokens: 6 }), new AbortController().signal))));
    for (const parts of answers) expect(parts.at(-1)).toMatchObject({ type: "finish", usage: { outputTokens: 6 } });
  });

  it("lets a queued invocation be aborted while it waits", async () => {
    const one = provider({ registry: new LocalModelRegistry({ threads: 1, sequences: 1, maxContextSize: 512 }) });
    const running = one.stream(request({ maxTokens: 400 }), new AbortController().signal)[Symbol.asyncIterator]();
    expect((await running.next()).value).toMatchObject({ type: "text-delta" });
    // The only sequence is taken: this one waits in line until it is aborted.
    const waiting = new AbortController();
    const queued = collect(one.stream(request({ maxTokens: 4 }), waiting.signal));
    setTimeout(() => waiting.abort(), 20);
    expect(await queued).toEqual([]);
    const rest: StreamPart[] = [];
    for (let next = await running.next(); !next.done; next = await running.next()) rest.push(next.value);
    expect(rest.at(-1)).toMatchObject({ type: "finish", usage: { outputTokens: 400 } });
  });
});

describe("local provider without a usable model", { timeout: 30_000 }, () => {
  it("says how to get a model when the directory is empty", async () => {
    const parts = await collect(provider({ modelsDir: emptyDir }).stream(request(), new AbortController().signal));
    expect(parts).toEqual([
      {
        type: "error",
        code: "provider_not_configured",
        message: `No local model found in ${emptyDir}/: run \`npm run model:pull\` or place a .gguf file there.`,
        retryable: false,
      },
    ]);
  });

  it.each([
    ["corrupt.gguf", /corrupt\.gguf cannot be used: it does not start with the GGUF magic bytes/],
    ["truncated.gguf", /truncated\.gguf cannot be used: .*truncated/],
    ["no-heads.gguf", /no-heads\.gguf cannot be used: required metadata llama\.attention\.head_count is missing/],
  ])("refuses %s with a clear error, and the process keeps serving", async (model, message) => {
    const local = provider();
    const parts = await collect(local.stream(request({ model }), new AbortController().signal));
    expect(parts).toHaveLength(1);
    expect(parts[0]).toMatchObject({ type: "error", code: "provider_not_configured", retryable: false });
    expect(parts[0].type === "error" && parts[0].message).toMatch(message);
    expect(parts[0].type === "error" && parts[0].message).toContain("npm run model:pull");
    const after = await collect(local.stream(request({ model: "a-tiny.gguf", maxTokens: 3 }), new AbortController().signal));
    expect(after.at(-1)).toMatchObject({ type: "finish" });
  });

  it("refuses a model outside the models directory", async () => {
    const parts = await collect(provider().stream(request({ model: "../a-tiny.gguf" }), new AbortController().signal));
    expect(parts).toMatchObject([{ type: "error", code: "provider_not_configured", message: expect.stringMatching(/not a model file name/) }]);
  });

  it("names the available files for an unknown one", async () => {
    const parts = await collect(provider().stream(request({ model: "missing.gguf" }), new AbortController().signal));
    expect(parts).toMatchObject([{ type: "error", code: "provider_not_configured", message: expect.stringContaining("available: a-tiny.gguf") }]);
  });
});

describe("local provider listing and health", () => {
  it("lists the .gguf files with size and usable context window", async () => {
    const models = await provider().listModels();
    expect(models.map((m) => m.id)).toEqual(["a-tiny.gguf", "corrupt.gguf", "no-heads.gguf", "truncated.gguf"]);
    expect(models[0]).toEqual({ id: "a-tiny.gguf", sizeBytes: expect.any(Number), contextWindow: 1024 });
    expect(models[1]).toEqual({ id: "corrupt.gguf", sizeBytes: 39 });
  });

  it("is healthy with a default model and names it", async () => {
    const health = await provider().checkHealth();
    expect(health).toMatchObject({ reachable: true, defaultModel: { id: "a-tiny.gguf", sizeBytes: expect.any(Number) } });
  });

  it("is not healthy without a model, and says what to run", async () => {
    const health = await provider({ modelsDir: emptyDir }).checkHealth();
    expect(health.reachable).toBe(false);
    expect(health.error).toMatch(/No local model found .* run `npm run model:pull`/);
  });

  it("is not healthy when the default model is broken", async () => {
    const health = await provider({ defaultModelPath: "corrupt.gguf" }).checkHealth();
    expect(health).toMatchObject({ reachable: false, error: expect.stringContaining("corrupt.gguf cannot be used") });
  });
});

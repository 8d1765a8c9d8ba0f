// The header check that runs before llama.cpp sees a file. Several of these files would
// abort the Node process if loaded (a missing head count or feed-forward length trips a
// native assertion), so each must be refused here with a message that says what is wrong.
import { mkdtemp, rm, truncate, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GGUF_MAGIC, GgufFormatError } from "@/lib/agents/local/gguf";
import { checkModelFile } from "@/lib/agents/local/model-check";
import { buildTinyGguf, writeTinyGguf } from "@/scripts/make-tiny-gguf";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "gguf-check-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function fileWith(name: string, bytes: Buffer): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, bytes);
  return file;
}

async function refusal(file: string): Promise<string> {
  const error = await checkModelFile(file).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GgufFormatError);
  return (error as Error).message;
}

describe("checkModelFile", () => {
  it("accepts the tiny model and reports what it is", async () => {
    const file = path.join(dir, "tiny.gguf");
    const size = await writeTinyGguf(file);
    expect(size).toBeGreaterThan(200_000);
    expect(size).toBeLessThan(1_000_000);
    expect(await checkModelFile(file)).toEqual({
      architecture: "llama",
      name: "tiny-random-llama",
      contextLength: 2048,
      embeddingLength: 64,
      blockCount: 2,
      vocabularySize: 299,
      hasChatTemplate: true,
      fileSize: size,
    });
  });

  it.each([
    "llama.attention.head_count",
    "llama.feed_forward_length",
    "llama.attention.layer_norm_rms_epsilon",
    "llama.context_length",
    "llama.embedding_length",
    "llama.block_count",
    "tokenizer.ggml.model",
    "tokenizer.ggml.tokens",
    "tokenizer.ggml.merges",
    "general.architecture",
  ])("refuses a file without %s, naming it", async (key) => {
    const file = await fileWith(`no-${key}.gguf`, buildTinyGguf({ omitKeys: [key] }));
    expect(await refusal(file)).toContain(key);
  });

  it("refuses a truncated file (an interrupted download)", async () => {
    const file = await fileWith("truncated.gguf", buildTinyGguf());
    await truncate(file, 300_000);
    expect(await refusal(file)).toMatch(/truncated/);
  });

  it("refuses a file cut inside its header", async () => {
    const file = await fileWith("header-cut.gguf", buildTinyGguf().subarray(0, 5000));
    expect(await refusal(file)).toMatch(/truncated/);
  });

  it("refuses a file that is not GGUF at all", async () => {
    const file = await fileWith("not-gguf.gguf", Buffer.from("<!DOCTYPE html><html>404 Not Found</html>"));
    expect(await refusal(file)).toMatch(/not a GGUF model file/);
  });

  it("refuses an empty file", async () => {
    expect(await refusal(await fileWith("empty.gguf", Buffer.alloc(0)))).toMatch(/not a GGUF model file/);
  });

  it("refuses a GGUF version llama.cpp cannot read", async () => {
    const bytes = buildTinyGguf();
    bytes.writeUInt32LE(1, 4);
    expect(await refusal(await fileWith("v1.gguf", bytes))).toMatch(/version 1/);
  });

  it("refuses garbage lengths after a valid magic without allocating them", async () => {
    const header = Buffer.alloc(24);
    header.writeUInt32LE(GGUF_MAGIC, 0);
    header.writeUInt32LE(3, 4);
    header.writeBigUInt64LE(1n, 8);
    header.writeBigUInt64LE(1n, 16);
    const hugeKey = Buffer.alloc(8, 0x7f); // a key length of ~9e18 bytes
    const file = await fileWith("garbage.gguf", Buffer.concat([header, hugeKey, Buffer.alloc(1000, 0xff)]));
    expect(await refusal(file)).toMatch(/impossibly large|more than the rest of the file|corrupt/);
  });
});

import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  LocalModelMissingError,
  findDefaultModel,
  listModelFiles,
  resolveLocation,
  resolveModelFile,
} from "@/lib/agents/local/model-files";
import { isPlainGgufName } from "@/lib/agents/local/model-name";

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "model-files-"));
  await mkdir(path.join(root, "models", "nested"), { recursive: true });
  await writeFile(path.join(root, "models", "b-model.gguf"), Buffer.alloc(300));
  await writeFile(path.join(root, "models", "a-model.gguf"), Buffer.alloc(100));
  await writeFile(path.join(root, "models", "a-model.gguf.part"), Buffer.alloc(50));
  await writeFile(path.join(root, "models", "README.md"), "not a model");
  await writeFile(path.join(root, "models", "nested", "deep.gguf"), Buffer.alloc(10));
  await writeFile(path.join(root, "elsewhere.gguf"), Buffer.alloc(20));
  await mkdir(path.join(root, "empty"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const location = (modelsDir = "models", defaultModelPath?: string) =>
  resolveLocation({ modelsDir, ...(defaultModelPath ? { defaultModelPath } : {}), cwd: root });

async function missing(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LocalModelMissingError);
  return (error as Error).message;
}

describe("isPlainGgufName (what a local agent's model may name)", () => {
  it.each(["qwen2.5-0.5b-instruct-q4_k_m.gguf", "Model.GGUF"])("accepts %j", (name) => {
    expect(isPlainGgufName(name)).toBe(true);
  });

  it.each(["../secrets.gguf", "/etc/model.gguf", "nested/deep.gguf", "..\\x.gguf", "model.bin", ".hidden.gguf", "a.gguf\0"])(
    "refuses %j",
    (name) => {
      expect(isPlainGgufName(name)).toBe(false);
    },
  );
});

describe("listModelFiles", () => {
  it("lists the .gguf files of the directory by name, with sizes, and nothing else", async () => {
    const files = await listModelFiles(location());
    expect(files.map(({ name, sizeBytes }) => ({ name, sizeBytes }))).toEqual([
      { name: "a-model.gguf", sizeBytes: 100 },
      { name: "b-model.gguf", sizeBytes: 300 },
    ]);
  });

  it("is empty when the directory does not exist", async () => {
    expect(await listModelFiles(location("no-such-dir"))).toEqual([]);
  });
});

describe("findDefaultModel", () => {
  it("is the first .gguf by name", async () => {
    expect((await findDefaultModel(location())).name).toBe("a-model.gguf");
  });

  it("is LOCAL_MODEL_PATH when set, as a file name in the directory or a path", async () => {
    expect((await findDefaultModel(location("models", "b-model.gguf"))).path).toBe(path.join(root, "models", "b-model.gguf"));
    expect((await findDefaultModel(location("models", "./elsewhere.gguf"))).path).toBe(path.join(root, "elsewhere.gguf"));
  });

  it("says how to get a model when the directory has none", async () => {
    expect(await missing(findDefaultModel(location("empty")))).toBe(
      "No local model found in empty/: run `npm run model:pull` or place a .gguf file there.",
    );
  });

  it("names LOCAL_MODEL_PATH when it points nowhere", async () => {
    expect(await missing(findDefaultModel(location("models", "./gone/model.gguf")))).toMatch(/LOCAL_MODEL_PATH names .*gone\/model\.gguf/);
  });
});

describe("resolveModelFile", () => {
  it("finds a named file in the directory", async () => {
    expect((await resolveModelFile(location(), "b-model.gguf")).sizeBytes).toBe(300);
  });

  it("uses the default model for an empty name", async () => {
    expect((await resolveModelFile(location(), "")).name).toBe("a-model.gguf");
  });

  it("lists the available files when the name is unknown", async () => {
    expect(await missing(resolveModelFile(location(), "other.gguf"))).toBe(
      "Local model other.gguf is not in models/ (available: a-model.gguf, b-model.gguf).",
    );
  });

  it("refuses a path, even one that exists", async () => {
    expect(await missing(resolveModelFile(location(), "../elsewhere.gguf"))).toMatch(/not a model file name/);
    expect(await missing(resolveModelFile(location(), "nested/deep.gguf"))).toMatch(/not a model file name/);
  });
});

// model:pull against a local HTTP server that serves a small "model" with Range support,
// and against a host that cannot exist (the offline case).
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { MODEL_CATALOG, PullError, pullModel, type CatalogModel } from "@/scripts/model-pull";

const body = Buffer.alloc(3 * 1024 * 1024 + 17);
for (let i = 0; i < body.length; i++) body[i] = (i * 31 + 7) & 0xff;
const sha256 = createHash("sha256").update(body).digest("hex");

let server: Server;
let baseUrl: string;
const requests: { url: string; range?: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push({ url: req.url ?? "", ...(req.headers.range ? { range: req.headers.range } : {}) });
    if (req.url === "/redirect.gguf") {
      res.writeHead(302, { Location: "/model.gguf" }).end();
      return;
    }
    if (req.url === "/missing.gguf") {
      res.writeHead(404).end("not found");
      return;
    }
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? "");
    if (range) {
      const start = Number(range[1]);
      res.writeHead(206, { "Content-Range": `bytes ${start}-${body.length - 1}/${body.length}`, "Content-Length": body.length - start });
      res.end(body.subarray(start));
      return;
    }
    res.writeHead(200, { "Content-Length": body.length }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "model-pull-"));
  requests.length = 0;
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const model = (overrides: Partial<CatalogModel> = {}): CatalogModel => ({
  file: "test-model.gguf",
  url: `${baseUrl}/model.gguf`,
  sha256,
  sizeBytes: body.length,
  description: "test",
  ...overrides,
});

const progressLines: string[] = [];
const progress = { write: (text: string) => progressLines.push(text), isTTY: false };

async function failure(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PullError);
  return (error as Error).message;
}

describe("pullModel", () => {
  it("downloads through a redirect, verifies the checksum and shows progress", async () => {
    progressLines.length = 0;
    const result = await pullModel({ model: model({ url: `${baseUrl}/redirect.gguf` }), modelsDir: dir, progress });
    expect(result).toEqual({ path: path.join(dir, "test-model.gguf"), downloaded: true, resumedFromBytes: 0 });
    expect((await readFile(result.path)).equals(body)).toBe(true);
    expect(progressLines.join("")).toMatch(/100% 3 MB \/ 3 MB/);
    await expect(stat(`${result.path}.part`)).rejects.toThrow();
  });

  it("resumes a partial download with a Range request", async () => {
    await writeFile(path.join(dir, "test-model.gguf.part"), body.subarray(0, 1_000_000));
    const result = await pullModel({ model: model(), modelsDir: dir, progress });
    expect(result.resumedFromBytes).toBe(1_000_000);
    expect(requests).toEqual([{ url: "/model.gguf", range: "bytes=1000000-" }]);
    expect((await readFile(result.path)).equals(body)).toBe(true);
  });

  it("does nothing when the verified file is already there", async () => {
    await writeFile(path.join(dir, "test-model.gguf"), body);
    expect((await pullModel({ model: model(), modelsDir: dir, progress })).downloaded).toBe(false);
    expect(requests).toEqual([]);
  });

  it("deletes a download whose checksum is wrong and never names it .gguf", async () => {
    const message = await failure(pullModel({ model: model({ sha256: "0".repeat(64) }), modelsDir: dir, progress }));
    expect(message).toMatch(/checksum is [0-9a-f]{64}, expected 0{64}; it was deleted/);
    await expect(stat(path.join(dir, "test-model.gguf"))).rejects.toThrow();
    await expect(stat(path.join(dir, "test-model.gguf.part"))).rejects.toThrow();
  });

  it("reports an HTTP error with the URL", async () => {
    const message = await failure(pullModel({ model: model({ url: `${baseUrl}/missing.gguf` }), modelsDir: dir, progress }));
    expect(message).toContain("HTTP 404");
    expect(message).toContain(`URL: ${baseUrl}/missing.gguf`);
  });

  it("fails at once without network, with the URL and how to place the file by hand", async () => {
    const started = performance.now();
    const offline = model({ url: "https://models.invalid/test-model.gguf" });
    const message = await failure(pullModel({ model: offline, modelsDir: dir, progress }));
    expect(performance.now() - started).toBeLessThan(3000);
    expect(message).toMatch(/Could not reach the download server: the host name could not be resolved/);
    expect(message).toContain("URL: https://models.invalid/test-model.gguf");
    expect(message).toContain(`copy it to\n  ${path.join(dir, "test-model.gguf")}`);
    expect(message).toContain(`sha256 ${sha256}`);
  });
});

describe("npm run model:pull", () => {
  it("lists the models it knows for an unknown name", () => {
    const run = spawnSync(process.execPath, ["--import", "tsx", "scripts/model-pull.ts", "no-such-model"], {
      env: { ...process.env, LOCAL_MODELS_DIR: dir },
      encoding: "utf8",
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('Unknown model "no-such-model"');
    for (const name of Object.keys(MODEL_CATALOG)) expect(run.stderr).toContain(name);
  });

  it("has a pinned URL, a checksum and a size for every model", () => {
    for (const entry of Object.values(MODEL_CATALOG)) {
      expect(entry.url).toMatch(/^https:\/\/huggingface\.co\/.+\/resolve\/[0-9a-f]{40}\//);
      expect(entry.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(entry.sizeBytes).toBeGreaterThan(100 * 1024 * 1024);
      expect(entry.file.endsWith(".gguf")).toBe(true);
    }
  });
});

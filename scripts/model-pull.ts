// npm run model:pull [name]: downloads a recommended small instruct model into
// LOCAL_MODELS_DIR (default models/) for the embedded `local` provider. Resumes a partial
// download (HTTP Range on <file>.part), shows progress, and checks the SHA-256 before the
// file gets its real name, so the provider never sees half a model. Without network it
// fails at once and says how to put the file in place by hand.
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { pathToFileURL } from "node:url";

export interface CatalogModel {
  /** The file name it gets in the models directory. */
  file: string;
  url: string;
  sha256: string;
  sizeBytes: number;
  description: string;
}

/**
 * Models we can vouch for: public, no login, instruct-tuned, with a checksum verified against
 * the publisher's file. URLs pin a repository revision so the checksum cannot drift.
 */
export const MODEL_CATALOG: Record<string, CatalogModel> = {
  "qwen2.5-0.5b-instruct": {
    file: "qwen2.5-0.5b-instruct-q4_k_m.gguf",
    url: "https://huggingface.co/Qwen/Qwen2.5-0.5B-Instruct-GGUF/resolve/9217f5db79a29953eb74d5343926648285ec7e67/qwen2.5-0.5b-instruct-q4_k_m.gguf",
    sha256: "74a4da8c9fdbcd15bd1f6d01d621410d31c6fc00986f5eb687824e7b93d7a9db",
    sizeBytes: 491_400_032,
    description: "Qwen2.5 0.5B Instruct, Q4_K_M (Apache-2.0). About 1 GB of RAM; 15-30 tokens/s on 2 CPU cores.",
  },
};
export const DEFAULT_MODEL = "qwen2.5-0.5b-instruct";

/** How long to wait for the server's first answer; an offline machine fails sooner (DNS). */
const CONNECT_TIMEOUT_MS = 15_000;
/** A download that receives nothing for this long is given up (and can be resumed). */
const STALL_TIMEOUT_MS = 60_000;

export class PullError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PullError";
  }
}

export interface PullOptions {
  model: CatalogModel;
  modelsDir: string;
  /** Progress output; a bar on a terminal, a line per 10 % otherwise. Default: stderr. */
  progress?: NodeJS.WriteStream | { write(text: string): unknown; isTTY?: boolean };
  fetchImpl?: typeof fetch;
}

export interface PullResult {
  path: string;
  /** false when a verified file was already there. */
  downloaded: boolean;
  resumedFromBytes: number;
}

const MB = 1024 * 1024;
const formatMb = (bytes: number) => `${(bytes / MB).toFixed(0)} MB`;

async function sizeOf(file: string): Promise<number | undefined> {
  try {
    return (await stat(file)).size;
  } catch {
    return undefined;
  }
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash("sha256");
  await pipeline(createReadStream(file), hash);
  return hash.digest("hex");
}

const NETWORK_REASONS: Record<string, string> = {
  ENOTFOUND: "the host name could not be resolved",
  EAI_AGAIN: "the host name could not be resolved",
  ECONNREFUSED: "the connection was refused",
  ECONNRESET: "the connection was reset",
  ETIMEDOUT: "the connection timed out",
  UND_ERR_CONNECT_TIMEOUT: "the connection timed out",
  ENETUNREACH: "the network is unreachable",
  EHOSTUNREACH: "the host is unreachable",
  STALLED: `nothing arrived for ${STALL_TIMEOUT_MS / 1000} s`,
};

function networkReason(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && NETWORK_REASONS[code]) return NETWORK_REASONS[code];
    if ((current as { name?: unknown }).name === "TimeoutError") return `no answer within ${CONNECT_TIMEOUT_MS / 1000} s`;
    current = (current as { cause?: unknown }).cause;
  }
  return error instanceof Error ? error.message : String(error);
}

/** What to tell a person whose machine cannot download the file. */
export function byHandInstructions(model: CatalogModel, modelsDir: string): string {
  return [
    `URL: ${model.url}`,
    "To install it by hand, download that file on a machine with internet access and copy it to",
    `  ${path.join(modelsDir, model.file)}`,
    `(${model.sizeBytes.toLocaleString("en-US")} bytes, sha256 ${model.sha256}).`,
    "Any other GGUF chat model placed in that directory works too.",
  ].join("\n");
}

class ProgressReporter {
  private lastTenth = -1;
  private lastDraw = 0;
  private readonly startedAt = performance.now();

  constructor(
    private readonly out: NonNullable<PullOptions["progress"]>,
    private readonly total: number,
    private readonly startBytes: number,
  ) {}

  update(bytes: number, force = false): void {
    const now = performance.now();
    const fraction = this.total ? Math.min(1, bytes / this.total) : 0;
    const seconds = (now - this.startedAt) / 1000;
    const speed = seconds > 0 ? (bytes - this.startBytes) / seconds : 0;
    const eta = speed > 0 ? Math.round((this.total - bytes) / speed) : undefined;
    const summary = `${(fraction * 100).toFixed(0).padStart(3)}% ${formatMb(bytes)} / ${formatMb(this.total)}  ${(speed / MB).toFixed(1)} MB/s${eta !== undefined ? `  ${eta} s left` : ""}`;
    if (this.out.isTTY) {
      if (!force && now - this.lastDraw < 100) return;
      this.lastDraw = now;
      const width = 30;
      const filled = Math.round(fraction * width);
      this.out.write(`\r[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${summary}   `);
      if (force) this.out.write("\n");
      return;
    }
    const tenth = Math.floor(fraction * 10);
    if (tenth > this.lastTenth || force) {
      this.lastTenth = tenth;
      this.out.write(`${summary}\n`);
    }
  }
}

/** Downloads (or resumes) one catalog model and verifies it. Throws PullError. */
export async function pullModel(options: PullOptions): Promise<PullResult> {
  const { model, modelsDir } = options;
  const out = options.progress ?? process.stderr;
  const doFetch = options.fetchImpl ?? fetch;
  const target = path.join(modelsDir, model.file);
  const partial = `${target}.part`;
  await mkdir(modelsDir, { recursive: true });

  if ((await sizeOf(target)) === model.sizeBytes && (await sha256Of(target)) === model.sha256) {
    return { path: target, downloaded: false, resumedFromBytes: 0 };
  }
  if ((await sizeOf(target)) !== undefined) {
    throw new PullError(`${target} exists but is not the expected file (size or checksum differ). Move it away and run this again.`);
  }

  let have = (await sizeOf(partial)) ?? 0;
  if (have > model.sizeBytes) {
    await rm(partial);
    have = 0;
  }

  if (have < model.sizeBytes) {
    const controller = new AbortController();
    const connectTimer = setTimeout(() => controller.abort(new DOMException("connect timeout", "TimeoutError")), CONNECT_TIMEOUT_MS);
    let response: Response;
    try {
      response = await doFetch(model.url, {
        headers: have > 0 ? { Range: `bytes=${have}-` } : {},
        signal: controller.signal,
        redirect: "follow",
      });
    } catch (error) {
      throw new PullError(`Could not reach the download server: ${networkReason(error)}. Is this machine offline?\n${byHandInstructions(model, modelsDir)}`);
    } finally {
      clearTimeout(connectTimer);
    }

    let append = false;
    if (response.status === 206 && have > 0) append = true;
    else if (response.status === 416) {
      // We only ask for bytes the file must have: the server's file is not the one we expect.
      await rm(partial, { force: true });
      throw new PullError("The server refused to resume the partial download; it was deleted. Run the same command again.");
    } else if (!response.ok) {
      await response.body?.cancel();
      throw new PullError(`The download server answered HTTP ${response.status}.\n${byHandInstructions(model, modelsDir)}`);
    } else have = 0; // 200: the server ignored the Range; start over

    if (response.body) {
      out.write(have > 0 ? `Resuming ${model.file} at ${formatMb(have)}\n` : `Downloading ${model.file} (${formatMb(model.sizeBytes)})\n`);
      const progress = new ProgressReporter(out, model.sizeBytes, have);
      let received = have;
      const stalled = () => controller.abort(Object.assign(new Error("stalled"), { code: "STALLED" }));
      let stallTimer = setTimeout(stalled, STALL_TIMEOUT_MS);
      const body = Readable.fromWeb(response.body as import("node:stream/web").ReadableStream<Uint8Array>);
      body.on("data", (chunk: Buffer) => {
        received += chunk.length;
        progress.update(received);
        clearTimeout(stallTimer);
        stallTimer = setTimeout(stalled, STALL_TIMEOUT_MS);
      });
      try {
        await pipeline(body, createWriteStream(partial, { flags: append ? "a" : "w" }));
      } catch (error) {
        throw new PullError(
          `The download stopped at ${formatMb(received)} (${networkReason(error)}). Run the same command again to resume.\n${byHandInstructions(model, modelsDir)}`,
        );
      } finally {
        clearTimeout(stallTimer);
      }
      progress.update(received, true);
    }
  }

  const size = (await sizeOf(partial)) ?? 0;
  if (size !== model.sizeBytes) {
    throw new PullError(`The download ended at ${size} of ${model.sizeBytes} bytes. Run the same command again to resume.`);
  }
  out.write("Checking the SHA-256 checksum…\n");
  const digest = await sha256Of(partial);
  if (digest !== model.sha256) {
    await rm(partial);
    throw new PullError(`The downloaded file's checksum is ${digest}, expected ${model.sha256}; it was deleted. Run the command again.\n${byHandInstructions(model, modelsDir)}`);
  }
  await rename(partial, target);
  return { path: target, downloaded: true, resumedFromBytes: have };
}

function usage(): string {
  const lines = Object.entries(MODEL_CATALOG).map(([name, m]) => `  ${name}${name === DEFAULT_MODEL ? " (default)" : ""}: ${m.description}`);
  return ["Usage: npm run model:pull [name]", "", "Models:", ...lines].join("\n");
}

async function main(argv: string[]): Promise<number> {
  const [name = DEFAULT_MODEL] = argv.filter((arg) => !arg.startsWith("-"));
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(usage());
    return 0;
  }
  const model = MODEL_CATALOG[name];
  if (!model) {
    console.error(`Unknown model "${name}".\n\n${usage()}`);
    return 2;
  }
  const modelsDir = path.resolve(process.env.LOCAL_MODELS_DIR || "models");
  try {
    const result = await pullModel({ model, modelsDir });
    console.log(
      result.downloaded
        ? `Saved ${result.path}. Agents with provider "local" and an empty model use it (or set LOCAL_MODEL_PATH).`
        : `${result.path} is already there and verified.`,
    );
    return 0;
  } catch (error) {
    if (!(error instanceof PullError)) throw error;
    console.error(`\nmodel:pull failed: ${error.message}`);
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2));
}

// Starts the real server.ts (production build) on a free port with a temporary SQLite
// file, for integration and e2e tests. `npm run build` must have run first.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "../..");

export interface TestServer {
  url: string;
  wsUrl: string;
  port: number;
  dbFile: string;
  env: Record<string, string>;
  /** The server process id (changes after restart); benchmarks read its CPU time from /proc. */
  readonly pid: number;
  logs(): string;
  /** SIGTERM and wait for exit (graceful shutdown). */
  stop(): Promise<void>;
  /** Kill with a signal (default SIGKILL) and wait for exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Start again on the same port and database. */
  restart(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export function tempDbFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "agent-nexus-test-"));
  return path.join(dir, "test.db");
}

export function assertBuilt(): void {
  if (!fs.existsSync(path.join(ROOT, ".next", "BUILD_ID"))) {
    throw new Error("No production build: run `npm run build` before the integration tests.");
  }
}

/** Variables that must not leak from the developer's shell or .env into a test server. */
const PROVIDER_VARIABLES = /^(OPENAI_|GOOGLE_API_KEY|GEMINI_|ANTHROPIC_|OLLAMA_HOST|ENDPOINT_|LOCAL_MODEL)/;

export interface StartServerOptions {
  env?: Record<string, string>;
  dbFile?: string;
  port?: number;
  /** Extra node flags before the script, e.g. ["--cpu-prof"] for benchmarks. */
  nodeArgs?: string[];
}

export async function startServer(options: StartServerOptions = {}): Promise<TestServer> {
  assertBuilt();
  const port = options.port ?? (await freePort());
  const dbFile = options.dbFile ?? tempDbFile();
  const baseEnv = Object.fromEntries(
    Object.entries(process.env).filter(([key, value]) => value !== undefined && !PROVIDER_VARIABLES.test(key)),
  ) as Record<string, string>;
  const env: Record<string, string> = {
    ...baseEnv,
    NODE_ENV: "production",
    PORT: String(port),
    HOST: "127.0.0.1",
    DATABASE_URL: `file:${dbFile}`,
    LOG_LEVEL: "warn",
    // Keep the models dir empty unless a test sets one.
    LOCAL_MODELS_DIR: path.join(path.dirname(dbFile), "models"),
    ...options.env,
  };
  let output = "";
  let child: ChildProcess;

  const launch = async () => {
    child = spawn(process.execPath, ["--import", "tsx", ...(options.nodeArgs ?? []), "server.ts"], { cwd: ROOT, env: env as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout!.on("data", (chunk) => (output += chunk));
    child.stderr!.on("data", (chunk) => (output += chunk));
    await waitForHealth(`http://127.0.0.1:${port}`, child, () => output);
  };
  const exited = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", () => resolve());
    });

  await launch();
  return {
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    port,
    dbFile,
    env,
    get pid() {
      return child.pid!;
    },
    logs: () => output,
    async stop() {
      child.kill("SIGTERM");
      await exited();
    },
    async kill(signal = "SIGKILL") {
      child.kill(signal);
      await exited();
    },
    async restart() {
      await launch();
    },
  };
}

async function waitForHealth(url: string, child: ChildProcess, logs: () => string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${logs()}`);
    try {
      const response = await fetch(`${url}/api/health`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill("SIGKILL");
  throw new Error(`server did not become healthy within ${timeoutMs} ms:\n${logs()}`);
}

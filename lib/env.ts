// The environment, checked once with zod. Provider keys are deliberately not part of
// this object: providers read them lazily (lib/agents/config.ts) so a missing key is
// reported when an agent is invoked, naming the variable, never at start.
import path from "node:path";
import { z } from "zod";

const port = z.coerce.number().int().min(0).max(65535);
const positiveMs = z.coerce.number().int().positive();
const optionalUrl = z.string().url().optional();

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: port.default(3001),
  HOST: z.string().min(1).default("127.0.0.1"),
  DATABASE_URL: z
    .string()
    .regex(/^file:/, "only SQLite file URLs (file:./prisma/dev.db) are supported by this build")
    .default("file:./prisma/dev.db"),
  SEED_DEFAULT_AGENTS: z.enum(["true", "false"]).default("true"),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),

  MAX_BODY_BYTES: z.coerce.number().int().positive().default(256 * 1024),
  WS_MAX_PAYLOAD_BYTES: z.coerce.number().int().positive().default(64 * 1024),
  WS_HEARTBEAT_MS: positiveMs.default(30_000),
  SSE_KEEPALIVE_MS: positiveMs.default(15_000),

  OPENAI_BASE_URL: optionalUrl,
  GEMINI_BASE_URL: optionalUrl,
  ANTHROPIC_BASE_URL: optionalUrl,
  OLLAMA_HOST: z.string().url().default("http://127.0.0.1:11434"),
  LOCAL_MODELS_DIR: z.string().min(1).default("models"),
  LOCAL_MODEL_PATH: z.string().optional(),
  /** CPU threads for the embedded model; default: the cores this process may use, minus one. */
  LOCAL_THREADS: z.coerce.number().int().min(1).max(256).optional(),

  PROVIDER_FIRST_TOKEN_TIMEOUT_MS: positiveMs.default(120_000),
  PROVIDER_IDLE_TIMEOUT_MS: positiveMs.default(60_000),
  PROVIDER_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
});

export type Env = z.infer<typeof envSchema>;

let cached: Env | undefined;

/** Parses process.env once; throws one readable error listing every bad variable. */
export function getEnv(): Env {
  if (cached) return cached;
  const blanksRemoved = Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== ""));
  const result = envSchema.safeParse(blanksRemoved);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment (see .env.example):\n${lines.join("\n")}`);
  }
  cached = result.data;
  return cached;
}

/** Absolute path of the SQLite file named by DATABASE_URL (relative to the project root). */
export function sqlitePath(databaseUrl = getEnv().DATABASE_URL): string {
  const file = databaseUrl.replace(/^file:(\/\/)?/, "");
  return path.resolve(/*turbopackIgnore: true*/ process.cwd(), file);
}

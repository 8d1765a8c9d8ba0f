// The five network providers as test cases: which fake speaks their wire format, which
// variables point them at it, and the key each one is given. Shared by the provider tests.
import { getProvider } from "@/lib/agents/factory";
import type { Provider, ProviderTarget, StreamPart } from "@/lib/agents/types";
import { afterEach, beforeEach } from "vitest";
import { startFake, type FakeKind, type FakeServer } from "@/tests/fakes";

export const KEYS = {
  openai: "sk-test-openai-0123456789abcdef",
  deepseek: "sk-test-deepseek-fedcba9876543210",
  gemini: "AIza-test-gemini-0123456789",
  anthropic: "sk-ant-test-anthropic-0123456789",
} as const;

export interface ProviderCase {
  name: string;
  kind: FakeKind;
  target: ProviderTarget;
  /** How messages name the provider. */
  label: string;
  /** The variable that holds its key (none for Ollama). */
  keyEnvVar?: string;
  key?: string;
  /** Variables that point the provider at `fake`. */
  env(fake: FakeServer): Record<string, string>;
  /** The change that leaves it unconfigured, and the variable its message must name. */
  unconfigure: Record<string, string | undefined>;
  missingVar: string;
}

export const PROVIDER_CASES: ProviderCase[] = [
  {
    name: "openai",
    kind: "openai",
    target: { provider: "openai", model: "gpt-4o-mini" },
    label: "OpenAI",
    keyEnvVar: "OPENAI_API_KEY",
    key: KEYS.openai,
    env: (fake) => ({ OPENAI_BASE_URL: fake.baseUrl, OPENAI_API_KEY: KEYS.openai }),
    unconfigure: { OPENAI_API_KEY: undefined },
    missingVar: "OPENAI_API_KEY",
  },
  {
    name: "openai-compatible",
    kind: "openai",
    target: { provider: "openai-compatible", model: "deepseek-reasoner", endpoint: "deepseek" },
    label: "OpenAI-compatible endpoint deepseek",
    keyEnvVar: "ENDPOINT_DEEPSEEK_KEY",
    key: KEYS.deepseek,
    env: (fake) => ({ ENDPOINT_DEEPSEEK_URL: fake.baseUrl, ENDPOINT_DEEPSEEK_KEY: KEYS.deepseek }),
    unconfigure: { ENDPOINT_DEEPSEEK_URL: undefined },
    missingVar: "ENDPOINT_DEEPSEEK_URL",
  },
  {
    name: "gemini",
    kind: "gemini",
    target: { provider: "gemini", model: "gemini-2.5-flash" },
    label: "Google Gemini",
    keyEnvVar: "GOOGLE_API_KEY",
    key: KEYS.gemini,
    env: (fake) => ({ GEMINI_BASE_URL: fake.baseUrl, GOOGLE_API_KEY: KEYS.gemini }),
    unconfigure: { GOOGLE_API_KEY: undefined },
    missingVar: "GOOGLE_API_KEY",
  },
  {
    name: "ollama",
    kind: "ollama",
    target: { provider: "ollama", model: "llama3.2" },
    label: "Ollama",
    env: (fake) => ({ OLLAMA_HOST: fake.baseUrl }),
    unconfigure: { OLLAMA_HOST: "http://bad host" },
    missingVar: "OLLAMA_HOST",
  },
  {
    name: "anthropic",
    kind: "anthropic",
    target: { provider: "anthropic", model: "claude-sonnet-5" },
    label: "Anthropic",
    keyEnvVar: "ANTHROPIC_API_KEY",
    key: KEYS.anthropic,
    env: (fake) => ({ ANTHROPIC_BASE_URL: fake.baseUrl, ANTHROPIC_API_KEY: KEYS.anthropic }),
    unconfigure: { ANTHROPIC_API_KEY: undefined },
    missingVar: "ANTHROPIC_API_KEY",
  },
];

const PROVIDER_VARS = /^(OPENAI_|GEMINI_|GOOGLE_API_KEY|ANTHROPIC_|OLLAMA_|ENDPOINT_)/;

/** Removes every provider variable of the machine, so only what a test sets counts. */
export function clearProviderEnv(): void {
  for (const name of Object.keys(process.env)) if (PROVIDER_VARS.test(name)) delete process.env[name];
}

/** Sets variables until the returned function puts the previous values back. */
export function setEnv(vars: Record<string, string | undefined>): () => void {
  const previous = Object.fromEntries(Object.keys(vars).map((name) => [name, process.env[name]]));
  for (const [name, value] of Object.entries(vars)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  return () => setEnv(previous);
}

export const CHAT = {
  system: "You are terse.",
  messages: [
    { role: "user" as const, content: "Hi" },
    { role: "assistant" as const, content: "Hello." },
    { role: "user" as const, content: "Say something." },
  ],
  temperature: 0.5,
  maxTokens: 256,
};

export function providerFor(testCase: ProviderCase): Provider {
  return getProvider(testCase.target);
}

export async function collect<T>(parts: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const part of parts) out.push(part);
  return out;
}

/** Streams the case's provider directly (no timeouts or retries) and returns every part. */
export function streamParts(testCase: ProviderCase, signal = new AbortController().signal): Promise<StreamPart[]> {
  return collect(providerFor(testCase).stream({ ...CHAT, model: testCase.target.model }, signal));
}

/**
 * Starts the case's fake vendor before each test, with the case's variables pointing at it,
 * and stops it after. Returns a getter for the running fake.
 */
export function useFakeVendor(testCase: ProviderCase): () => FakeServer {
  let fake: FakeServer | undefined;
  let restoreEnv = () => {};
  beforeEach(async () => {
    clearProviderEnv();
    fake = await startFake(testCase.kind);
    restoreEnv = setEnv(testCase.env(fake));
  });
  afterEach(async () => {
    restoreEnv();
    await fake?.close();
  });
  return () => fake!;
}

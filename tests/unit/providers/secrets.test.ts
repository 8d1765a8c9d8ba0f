// Keys: each one travels only to the URL it was configured with, and none appears in an
// error message, a model-list error or a log line, even when the vendor echoes it back.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { getProvider } from "@/lib/agents/factory";
import { streamAgent } from "@/lib/agents/run";
import type { ProviderTarget } from "@/lib/agents/types";
import { startFakeAnthropic, startFakeGemini, startFakeOllama, startFakeOpenAI, type FakeServer } from "@/tests/fakes";
import { CHAT, KEYS, PROVIDER_CASES, clearProviderEnv, collect, setEnv } from "@/tests/unit/providers/provider-cases";

const OTHER_SECRETS = {
  admin: "sk-admin-should-never-travel-1234",
  customHeader: "custom-header-secret-5678",
};
const ALL_SECRETS = [...Object.values(KEYS), ...Object.values(OTHER_SECRETS)];

interface Host {
  fake: FakeServer;
  target: ProviderTarget;
  /** The key this host must receive. */
  ownKey?: string;
  /** Other secrets that belong to this host (OpenAI's own custom headers). */
  alsoAllowed?: string[];
}

let hosts: Record<string, Host>;
let restoreEnv: () => void;

beforeEach(async () => {
  clearProviderEnv();
  const [openai, deepseek, keyless, gemini, ollama, anthropic] = await Promise.all([
    startFakeOpenAI(),
    startFakeOpenAI(),
    startFakeOpenAI(),
    startFakeGemini(),
    startFakeOllama(),
    startFakeAnthropic(),
  ]);
  hosts = {
    openai: { fake: openai, target: { provider: "openai", model: "gpt-4o-mini" }, ownKey: KEYS.openai, alsoAllowed: [OTHER_SECRETS.customHeader] },
    deepseek: { fake: deepseek, target: { provider: "openai-compatible", model: "deepseek-chat", endpoint: "deepseek" }, ownKey: KEYS.deepseek },
    keyless: { fake: keyless, target: { provider: "openai-compatible", model: "local-model", endpoint: "lmstudio" } },
    gemini: { fake: gemini, target: { provider: "gemini", model: "gemini-2.0-flash" }, ownKey: KEYS.gemini },
    ollama: { fake: ollama, target: { provider: "ollama", model: "llama3.2" } },
    anthropic: { fake: anthropic, target: { provider: "anthropic", model: "claude-sonnet-5" }, ownKey: KEYS.anthropic },
  };
  restoreEnv = setEnv({
    OPENAI_BASE_URL: openai.baseUrl,
    OPENAI_API_KEY: KEYS.openai,
    OPENAI_ADMIN_KEY: OTHER_SECRETS.admin,
    OPENAI_CUSTOM_HEADERS: `X-Operator-Secret: ${OTHER_SECRETS.customHeader}`,
    ENDPOINT_DEEPSEEK_URL: deepseek.baseUrl,
    ENDPOINT_DEEPSEEK_KEY: KEYS.deepseek,
    ENDPOINT_LMSTUDIO_URL: keyless.baseUrl,
    GEMINI_BASE_URL: gemini.baseUrl,
    GOOGLE_API_KEY: KEYS.gemini,
    OLLAMA_HOST: ollama.baseUrl,
    ANTHROPIC_BASE_URL: anthropic.baseUrl,
    ANTHROPIC_API_KEY: KEYS.anthropic,
  });
});

afterEach(async () => {
  vi.restoreAllMocks();
  restoreEnv();
  await Promise.all(Object.values(hosts).map((h) => h.fake.close()));
});

function everythingSentTo(fake: FakeServer): string {
  return fake.requests.map((r) => `${r.path}\n${JSON.stringify(r.headers)}\n${r.rawBody}`).join("\n");
}

describe("where keys travel", () => {
  it("each key reaches only its own endpoint, on chats and model lists", async () => {
    for (const host of Object.values(hosts)) {
      const provider = getProvider(host.target);
      const parts = await collect(provider.stream({ ...CHAT, model: host.target.model }, new AbortController().signal));
      expect(parts.at(-1)).toMatchObject({ type: "finish" });
      await provider.listModels();
    }
    for (const [name, host] of Object.entries(hosts)) {
      const sent = everythingSentTo(host.fake);
      expect(host.fake.requests.length, name).toBe(2);
      const allowed = [host.ownKey, ...(host.alsoAllowed ?? [])];
      for (const secret of ALL_SECRETS.filter((s) => !allowed.includes(s))) expect(sent, `${name} received a foreign secret`).not.toContain(secret);
      if (host.ownKey) expect(sent, `${name} did not receive its own key`).toContain(host.ownKey);
    }
  });

  it("an OpenAI-compatible endpoint declared without a key gets no Authorization header at all", async () => {
    const { fake, target } = hosts.keyless;
    await collect(getProvider(target).stream({ ...CHAT, model: target.model }, new AbortController().signal));
    expect(fake.chatRequests()[0].headers.authorization).toBeUndefined();
    expect(fake.chatRequests()[0].headers["x-operator-secret"]).toBeUndefined();
  });

  it("the key goes in a header, never in the URL", async () => {
    for (const host of Object.values(hosts)) {
      await collect(getProvider(host.target).stream({ ...CHAT, model: host.target.model }, new AbortController().signal));
      for (const request of host.fake.requests) for (const secret of ALL_SECRETS) expect(request.path).not.toContain(secret);
    }
  });
});

describe("keys in messages and logs", () => {
  const captured: string[] = [];

  beforeEach(() => {
    captured.length = 0;
    for (const method of ["log", "info", "warn", "error", "debug"] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        captured.push(args.map((a) => (a instanceof Error ? `${a.message}\n${a.stack}` : typeof a === "string" ? a : JSON.stringify(a))).join(" "));
      });
    }
  });

  it.each(PROVIDER_CASES.filter((c) => c.key))("$name: a vendor echoing the key back is redacted in the message", async (testCase) => {
    const host = Object.values(hosts).find((h) => h.ownKey === testCase.key)!;
    host.fake.setScript({ fault: "unauthorized", errorMessage: `Incorrect API key provided: ${testCase.key}.` });
    const parts = await collect(streamAgent(host.target, CHAT, new AbortController().signal, { firstTokenTimeoutMs: 2000, idleTimeoutMs: 2000, maxRetries: 0 }));
    const error = parts.at(-1) as { message: string };
    expect(error.message).toContain("[redacted]");
    expect(error.message).not.toContain(testCase.key);
  });

  it("no key appears in any error part, model-list error or log line across every fault", async () => {
    const faults = ["unauthorized", "rate-limit", "server-error", "context-length", "cut", "malformed", "stream-error"] as const;
    const outputs: string[] = [];
    for (const host of Object.values(hosts)) {
      for (const fault of faults) {
        host.fake.setScript([{ fault, errorMessage: `echo ${ALL_SECRETS.join(" ")}` }, { fault, errorMessage: `echo ${ALL_SECRETS.join(" ")}` }]);
        const parts = await collect(
          streamAgent(host.target, CHAT, new AbortController().signal, { firstTokenTimeoutMs: 2000, idleTimeoutMs: 2000, maxRetries: 1, backoffBaseMs: 1, maxRetryAfterMs: 0 }),
        );
        outputs.push(JSON.stringify(parts));
      }
    }
    setEnv({ OPENAI_BASE_URL: "http://127.0.0.1:1/v1" });
    await getProvider(hosts.openai.target).listModels().catch((err: Error) => outputs.push(err.message));
    expect(captured.length).toBeGreaterThan(0);
    const everything = [...outputs, ...captured].join("\n");
    for (const secret of ALL_SECRETS) expect(everything).not.toContain(secret);
  });
});

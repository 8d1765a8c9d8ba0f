// Provider settings come from the environment when asked, and nothing meant for display
// carries a key or a URL's credentials.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { displayUrl, listProviderStatus, providerSettings } from "@/lib/agents/config";
import { redactSecrets } from "@/lib/agents/errors";
import { getProvider } from "@/lib/agents/factory";
import { clearProviderEnv, setEnv } from "@/tests/unit/providers/provider-cases";

let restoreEnv: () => void = () => {};

beforeEach(() => clearProviderEnv());
afterEach(() => restoreEnv());

describe("providerSettings", () => {
  it("reads keys lazily: a key set after start is used, one removed is missed", () => {
    expect(providerSettings({ provider: "openai" })).toMatchObject({ configured: false, missingEnvVar: "OPENAI_API_KEY" });
    restoreEnv = setEnv({ OPENAI_API_KEY: "sk-later-000000" });
    expect(providerSettings({ provider: "openai" })).toMatchObject({
      configured: true,
      apiKey: "sk-later-000000",
      baseUrl: "https://api.openai.com/v1",
    });
  });

  it("honours each provider's base URL variable", () => {
    restoreEnv = setEnv({
      OPENAI_API_KEY: "k-openai",
      OPENAI_BASE_URL: "http://proxy.internal:8080/v1",
      GOOGLE_API_KEY: "k-google",
      GEMINI_BASE_URL: "http://gemini.internal",
      ANTHROPIC_API_KEY: "k-anthropic",
      ANTHROPIC_BASE_URL: "http://anthropic.internal",
      OLLAMA_HOST: "gpu-box:11434",
    });
    expect(providerSettings({ provider: "openai" }).baseUrl).toBe("http://proxy.internal:8080/v1");
    expect(providerSettings({ provider: "gemini" }).baseUrl).toBe("http://gemini.internal");
    expect(providerSettings({ provider: "anthropic" }).baseUrl).toBe("http://anthropic.internal");
    expect(providerSettings({ provider: "ollama" }).baseUrl).toBe("http://gpu-box:11434");
  });

  it("accepts GEMINI_API_KEY when GOOGLE_API_KEY is not set, and names both when neither is", () => {
    expect(providerSettings({ provider: "gemini" }).problem).toBe("GOOGLE_API_KEY (or GEMINI_API_KEY) is not set.");
    restoreEnv = setEnv({ GEMINI_API_KEY: "k-gemini-alt" });
    expect(providerSettings({ provider: "gemini" })).toMatchObject({ configured: true, apiKey: "k-gemini-alt", keyEnvVar: "GEMINI_API_KEY" });
  });

  it("an OpenAI-compatible endpoint is configured by its URL; its key is optional and its own", () => {
    restoreEnv = setEnv({ ENDPOINT_DEEPSEEK_URL: "https://api.deepseek.com/v1", ENDPOINT_DEEPSEEK_KEY: "sk-ds-123456", OPENAI_API_KEY: "sk-openai-999999" });
    expect(providerSettings({ provider: "openai-compatible", endpoint: "deepseek" })).toMatchObject({
      configured: true,
      baseUrl: "https://api.deepseek.com/v1",
      apiKey: "sk-ds-123456",
      label: "OpenAI-compatible endpoint deepseek",
    });
    expect(providerSettings({ provider: "openai-compatible", endpoint: "vllm" })).toMatchObject({
      configured: false,
      missingEnvVar: "ENDPOINT_VLLM_URL",
    });
    setEnv({ ENDPOINT_VLLM_URL: "http://10.0.0.5:8000/v1" });
    const vllm = providerSettings({ provider: "openai-compatible", endpoint: "vllm" });
    expect(vllm.configured).toBe(true);
    expect(vllm.apiKey).toBeUndefined();
  });

  it("treats a malformed base URL as not configured, naming the variable", () => {
    restoreEnv = setEnv({ OPENAI_API_KEY: "k-openai", OPENAI_BASE_URL: "not a url" });
    expect(providerSettings({ provider: "openai" })).toMatchObject({ configured: false, problem: "OPENAI_BASE_URL is not a valid http(s) URL." });
  });
});

describe("listProviderStatus", () => {
  it("lists every provider and one entry per declared endpoint, without keys or URL credentials", () => {
    restoreEnv = setEnv({
      OPENAI_API_KEY: "sk-secret-openai-1",
      ENDPOINT_DEEPSEEK_URL: "https://user:pass@api.deepseek.com/v1?key=abc",
      ENDPOINT_DEEPSEEK_KEY: "sk-secret-deepseek-2",
      ENDPOINT_LMSTUDIO_URL: "http://127.0.0.1:1234/v1",
    });
    const entries = listProviderStatus();
    expect(entries.map((e) => [e.id, e.endpoint ?? null, e.configured])).toEqual([
      ["openai", null, true],
      ["gemini", null, false],
      ["ollama", null, true],
      ["anthropic", null, false],
      ["openai-compatible", "deepseek", true],
      ["openai-compatible", "lmstudio", true],
      ["local", null, true],
    ]);
    expect(entries.find((e) => e.endpoint === "deepseek")?.baseUrlHost).toBe("api.deepseek.com");
    expect(entries.find((e) => e.id === "gemini")).toMatchObject({ missingEnvVar: "GOOGLE_API_KEY" });
    const json = JSON.stringify(entries);
    for (const secret of ["sk-secret-openai-1", "sk-secret-deepseek-2", "user:pass", "key=abc"]) expect(json).not.toContain(secret);
  });

  it("shows an unconfigured openai-compatible entry when no endpoint is declared", () => {
    const compatible = listProviderStatus().filter((e) => e.id === "openai-compatible");
    expect(compatible).toEqual([expect.objectContaining({ configured: false, missingEnvVar: "ENDPOINT_<NAME>_URL" })]);
  });
});

describe("display and redaction", () => {
  it("shows URLs without credentials or query", () => {
    expect(displayUrl("https://user:pw@host.example:8443/v1/?key=zzz")).toBe("https://host.example:8443/v1");
  });

  it("scrubs every configured key from text", () => {
    restoreEnv = setEnv({ ANTHROPIC_API_KEY: "sk-ant-abcdef123", ENDPOINT_X_KEY: "xkey-7777777" });
    expect(redactSecrets("got sk-ant-abcdef123 and xkey-7777777 at /v1?key=plain")).toBe("got [redacted] and [redacted] at /v1?key=[redacted]");
  });
});

describe("getProvider", () => {
  it("returns the provider for each id", () => {
    for (const provider of ["openai", "gemini", "ollama", "anthropic", "openai-compatible", "local"] as const) {
      expect(getProvider({ provider, endpoint: provider === "openai-compatible" ? "x" : undefined }).id).toBe(provider);
    }
  });
});

// Model lists and health checks for every vendor, and the cached catalog behind
// GET /api/providers and GET /api/providers/:id/models.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { clearProviderCatalogCache, getProviderModels, getProviderStatuses } from "@/lib/agents/catalog";
import { AppError } from "@/lib/http/errors";
import { DEFAULT_MODELS, refusedUrl, startFake, type FakeServer } from "@/tests/fakes";
import { PROVIDER_CASES, clearProviderEnv, providerFor, setEnv, useFakeVendor } from "@/tests/unit/providers/provider-cases";

describe.each(PROVIDER_CASES)("$name models and health", (testCase) => {
  const fake = useFakeVendor(testCase);

  it("lists the vendor's models, sorted", async () => {
    const models = await providerFor(testCase).listModels();
    expect(models.map((m) => m.id)).toEqual([...DEFAULT_MODELS[testCase.kind]].sort());
    if (testCase.kind === "ollama") expect(models[0].sizeBytes).toBeGreaterThan(0);
    if (testCase.kind === "gemini") expect(models[0].contextWindow).toBe(1_048_576);
  });

  it("is reachable when the vendor answers", async () => {
    const health = await providerFor(testCase).checkHealth();
    expect(health.reachable).toBe(true);
    expect(health.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it("is not reachable, with the URL named, when nothing listens", async () => {
    const url = await refusedUrl();
    const baseUrl = testCase.kind === "openai" ? `${url}/v1` : url;
    setEnv(Object.fromEntries(Object.entries(testCase.env(fake())).map(([name, value]) => [name, value === fake().baseUrl ? baseUrl : value])));
    const health = await providerFor(testCase).checkHealth();
    expect(health.reachable).toBe(false);
    expect(health.error).toContain(baseUrl);
  });

  it("a rejected key fails the model list with provider_auth", async () => {
    fake().setModelListFault("unauthorized");
    const error = await providerFor(testCase).listModels().catch((err: unknown) => err);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: "provider_auth", status: 502 });
    expect((error as AppError).message).toContain(testCase.label);
  });

  it("an unconfigured provider reports the variable without a request", async () => {
    setEnv(testCase.unconfigure);
    const health = await providerFor(testCase).checkHealth();
    expect(health).toMatchObject({ reachable: false });
    expect(health.error).toContain(testCase.missingVar);
    await expect(providerFor(testCase).listModels()).rejects.toMatchObject({ code: "provider_not_configured", status: 503 });
    expect(fake().requests).toHaveLength(0);
  });
});

describe("provider catalog", () => {
  let openai: FakeServer;
  let ollama: FakeServer;
  let restoreEnv: () => void;

  beforeEach(async () => {
    clearProviderEnv();
    clearProviderCatalogCache();
    openai = await startFake("openai");
    ollama = await startFake("ollama");
    restoreEnv = setEnv({ OPENAI_BASE_URL: openai.baseUrl, OPENAI_API_KEY: "sk-catalog-0000000", OLLAMA_HOST: ollama.baseUrl });
  });

  afterEach(async () => {
    restoreEnv();
    await Promise.all([openai.close(), ollama.close()]);
  });

  it("reports configured and reachable providers, and caches the checks", async () => {
    const statuses = await getProviderStatuses();
    expect(statuses.find((s) => s.id === "openai")).toMatchObject({ configured: true, reachable: true });
    expect(statuses.find((s) => s.id === "ollama")).toMatchObject({ configured: true, reachable: true });
    expect(statuses.find((s) => s.id === "anthropic")).toMatchObject({ configured: false, reachable: false, missingEnvVar: "ANTHROPIC_API_KEY" });
    expect(JSON.stringify(statuses)).not.toContain("sk-catalog-0000000");
    await getProviderStatuses();
    expect(openai.requests).toHaveLength(1);
    expect(ollama.requests).toHaveLength(1);
  });

  it("gives up on a vendor that does not answer within the short timeout", async () => {
    ollama.setModelListFault("hang");
    const started = performance.now();
    const statuses = await getProviderStatuses();
    expect(performance.now() - started).toBeLessThan(3500);
    expect(statuses.find((s) => s.id === "ollama")).toMatchObject({ reachable: false });
    expect(statuses.find((s) => s.id === "openai")).toMatchObject({ reachable: true });
  });

  it("caches model lists but not failures", async () => {
    openai.setModelListFault("server-error");
    await expect(getProviderModels({ provider: "openai" })).rejects.toMatchObject({ code: "provider_error" });
    openai.setModelListFault(undefined);
    const models = await getProviderModels({ provider: "openai" });
    expect(models.map((m) => m.id)).toEqual(["gpt-4o", "gpt-4o-mini"]);
    await getProviderModels({ provider: "openai" });
    expect(openai.requests).toHaveLength(2);
  });
});

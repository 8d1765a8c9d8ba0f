// GET /api/providers and GET /api/providers/:id/models on the real server, with fake vendors.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeAnthropic, startFakeOllama, startFakeOpenAI, type FakeServer } from "@/tests/fakes";
import { getJson } from "../helpers/http";
import { startServer, type TestServer } from "../helpers/server";

const OPENAI_KEY = "sk-int-openai-1111111111";
const DEEPSEEK_KEY = "sk-int-deepseek-2222222222";
const ANTHROPIC_KEY = "sk-int-anthropic-3333333333";

let openai: FakeServer;
let deepseek: FakeServer;
let ollama: FakeServer;
let anthropic: FakeServer;
let server: TestServer;

beforeAll(async () => {
  [openai, deepseek, ollama, anthropic] = await Promise.all([
    startFakeOpenAI(),
    startFakeOpenAI({ models: ["deepseek-chat", "deepseek-reasoner"] }),
    startFakeOllama(),
    startFakeAnthropic({ modelListFault: "unauthorized" }),
  ]);
  server = await startServer({
    env: {
      OPENAI_BASE_URL: openai.baseUrl,
      OPENAI_API_KEY: OPENAI_KEY,
      ENDPOINT_DEEPSEEK_URL: deepseek.baseUrl,
      ENDPOINT_DEEPSEEK_KEY: DEEPSEEK_KEY,
      OLLAMA_HOST: ollama.baseUrl,
      ANTHROPIC_BASE_URL: anthropic.baseUrl,
      ANTHROPIC_API_KEY: ANTHROPIC_KEY,
    },
  });
});

afterAll(async () => {
  await server?.stop();
  await Promise.all([openai, deepseek, ollama, anthropic].map((fake) => fake?.close()));
});

describe("GET /api/providers", () => {
  it("lists every provider with configuration and reachability, and never a key", async () => {
    const { status, body } = await getJson(`${server.url}/api/providers`);
    expect(status).toBe(200);
    expect(Array.isArray(body)).toBe(true);
    const byKey = (id: string, endpoint?: string) => body.find((p: { id: string; endpoint?: string }) => p.id === id && p.endpoint === endpoint);
    expect(byKey("openai")).toMatchObject({ configured: true, reachable: true, baseUrlHost: new URL(openai.baseUrl).host });
    expect(byKey("ollama")).toMatchObject({ configured: true, reachable: true });
    expect(byKey("openai-compatible", "deepseek")).toMatchObject({ configured: true, reachable: true });
    expect(byKey("gemini")).toMatchObject({ configured: false, reachable: false, missingEnvVar: "GOOGLE_API_KEY" });
    expect(byKey("anthropic")).toMatchObject({ configured: true, reachable: false });
    expect(byKey("anthropic").error).toContain("rejected the credentials");
    const text = JSON.stringify(body);
    for (const key of [OPENAI_KEY, DEEPSEEK_KEY, ANTHROPIC_KEY]) expect(text).not.toContain(key);
  });

  it("answers a second request from its cache without asking the vendors again", async () => {
    const before = openai.requests.length + ollama.requests.length + deepseek.requests.length;
    const { status } = await getJson(`${server.url}/api/providers`);
    expect(status).toBe(200);
    expect(openai.requests.length + ollama.requests.length + deepseek.requests.length).toBe(before);
  });
});

describe("GET /api/providers/:id/models", () => {
  it("lists a provider's models", async () => {
    const { status, body } = await getJson(`${server.url}/api/providers/openai/models`);
    expect(status).toBe(200);
    expect(body).toEqual({ models: [{ id: "gpt-4o" }, { id: "gpt-4o-mini" }] });
  });

  it("lists an OpenAI-compatible endpoint's models, sending its key only there", async () => {
    const { status, body } = await getJson(`${server.url}/api/providers/openai-compatible/models?endpoint=deepseek`);
    expect(status).toBe(200);
    expect(body.models.map((m: { id: string }) => m.id)).toEqual(["deepseek-chat", "deepseek-reasoner"]);
    for (const request of deepseek.requests) expect(request.headers.authorization).toBe(`Bearer ${DEEPSEEK_KEY}`);
    for (const request of openai.requests) expect(request.headers.authorization).toBe(`Bearer ${OPENAI_KEY}`);
  });

  it("includes Ollama model sizes", async () => {
    const { body } = await getJson(`${server.url}/api/providers/ollama/models`);
    expect(body.models[0]).toMatchObject({ id: "llama3.2:latest", sizeBytes: expect.any(Number) });
  });

  it("rejects an unknown provider id and a missing or misplaced endpoint with 400", async () => {
    const unknown = await getJson(`${server.url}/api/providers/not-a-provider/models`);
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe("validation_error");
    expect(unknown.body.error.details[0].field).toBe("id");

    const missing = await getJson(`${server.url}/api/providers/openai-compatible/models`);
    expect(missing.status).toBe(400);
    expect(missing.body.error.details).toEqual([expect.objectContaining({ field: "endpoint" })]);

    const misplaced = await getJson(`${server.url}/api/providers/ollama/models?endpoint=deepseek`);
    expect(misplaced.status).toBe(400);
    expect(misplaced.body.error.details).toEqual([expect.objectContaining({ field: "endpoint" })]);
  });

  it("answers 503 provider_not_configured naming the variable", async () => {
    const gemini = await getJson(`${server.url}/api/providers/gemini/models`);
    expect(gemini.status).toBe(503);
    expect(gemini.body.error.code).toBe("provider_not_configured");
    expect(gemini.body.error.message).toContain("GOOGLE_API_KEY");

    const undeclared = await getJson(`${server.url}/api/providers/openai-compatible/models?endpoint=vllm`);
    expect(undeclared.status).toBe(503);
    expect(undeclared.body.error.message).toContain("ENDPOINT_VLLM_URL");
  });

  it("answers 502 provider_auth when the vendor rejects the key, without the key", async () => {
    const { status, body } = await getJson(`${server.url}/api/providers/anthropic/models`);
    expect(status).toBe(502);
    expect(body.error.code).toBe("provider_auth");
    expect(body.error.message).toContain("ANTHROPIC_API_KEY");
    expect(JSON.stringify(body)).not.toContain(ANTHROPIC_KEY);
  });
});

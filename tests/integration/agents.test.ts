import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "../helpers/server";
import { getJson, sendJson } from "../helpers/http";

let server: TestServer;
const validAgent = { name: "Tester", provider: "openai", model: "gpt-4.1-mini" };

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

async function allAgents() {
  return (await getJson(`${server.url}/api/agents?includeInactive=true`)).body;
}

describe("health", () => {
  it("reports the database, version and uptime", async () => {
    const { status, body } = await getJson(`${server.url}/api/health`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: "ok", db: "ok", version: expect.any(String) });
    expect(body.uptimeSeconds).toBeGreaterThanOrEqual(0);
  });
});

describe("agents API", () => {
  it("lists the seeded agents as a JSON array", async () => {
    const { status, body } = await getJson(`${server.url}/api/agents`);
    expect(status).toBe(200);
    expect(Array.isArray(body)).toBe(true);
    const names = body.map((agent: { name: string }) => agent.name);
    expect(names).toEqual(
      expect.arrayContaining(["Llama 3 Assistant", "GPT-4 Strategist", "Gemini Analyst", "Code Helper", "Quick Answers"]),
    );
    const llama = body.find((agent: { name: string }) => agent.name === "Llama 3 Assistant");
    expect(llama).toMatchObject({ provider: "ollama", isActive: true, fallbacks: [] });
    expect(llama.systemPrompt.length).toBeGreaterThan(40);
    expect(llama.avatar).toBeTruthy();
  });

  it("creates, reads, patches and soft-deletes an agent", async () => {
    const created = await sendJson("POST", `${server.url}/api/agents`, {
      ...validAgent,
      description: "checks things",
      fallbacks: [{ provider: "anthropic", model: "claude-sonnet-4-5" }],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      ...validAgent,
      description: "checks things",
      temperature: 0.7,
      maxTokens: 1024,
      avatar: "🤖",
      isActive: true,
      fallbacks: [{ provider: "anthropic", model: "claude-sonnet-4-5" }],
    });
    const id = created.body.id;

    expect((await getJson(`${server.url}/api/agents/${id}`)).body).toEqual(created.body);

    const patched = await sendJson("PATCH", `${server.url}/api/agents/${id}`, { temperature: 1.5, name: "  Renamed  " });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ temperature: 1.5, name: "Renamed", model: validAgent.model });

    const deleted = await fetch(`${server.url}/api/agents/${id}`, { method: "DELETE" });
    expect(deleted.status).toBe(204);
    const active = (await getJson(`${server.url}/api/agents`)).body.map((agent: { id: string }) => agent.id);
    expect(active).not.toContain(id);
    const inactive = (await allAgents()).find((agent: { id: string }) => agent.id === id);
    expect(inactive).toMatchObject({ id, isActive: false });
  });

  it("accepts an openai-compatible agent that names its endpoint, and never returns a key", async () => {
    const created = await sendJson("POST", `${server.url}/api/agents`, {
      ...validAgent,
      provider: "openai-compatible",
      endpoint: "DeepSeek",
      model: "deepseek-chat",
    });
    expect(created.status).toBe(201);
    expect(created.body.endpoint).toBe("deepseek");
    expect(JSON.stringify(created.body)).not.toMatch(/key/i);
  });

  it("keeps odd but valid unicode exactly", async () => {
    const name = "Ωmega 🤖‍🔬 עברית e\u0301 \u200b中文";
    const created = await sendJson("POST", `${server.url}/api/agents`, { ...validAgent, name, systemPrompt: "𝔘𝔫𝔦𝔠𝔬𝔡𝔢\n\ttabs" });
    expect(created.status).toBe(201);
    const read = await getJson(`${server.url}/api/agents/${created.body.id}`);
    expect(read.body.name).toBe(name);
    expect(read.body.systemPrompt).toBe("𝔘𝔫𝔦𝔠𝔬𝔡𝔢\n\ttabs");
  });

  const huge = "x".repeat(300 * 1024);
  const badRequests: { name: string; method: string; path: string; body?: unknown; raw?: string; headers?: Record<string, string>; status: number; code: string; field?: string }[] = [
    { name: "malformed JSON", method: "POST", path: "/api/agents", raw: '{"name": "x",', status: 400, code: "invalid_json" },
    { name: "empty body", method: "POST", path: "/api/agents", raw: "", status: 400, code: "invalid_json" },
    { name: "text/plain body", method: "POST", path: "/api/agents", raw: "name=x", headers: { "content-type": "text/plain" }, status: 415, code: "unsupported_media_type" },
    { name: "form body", method: "POST", path: "/api/agents", raw: "name=x", headers: { "content-type": "application/x-www-form-urlencoded" }, status: 415, code: "unsupported_media_type" },
    { name: "a JSON array", method: "POST", path: "/api/agents", body: [validAgent], status: 400, code: "validation_error" },
    { name: "JSON null", method: "POST", path: "/api/agents", raw: "null", status: 400, code: "validation_error" },
    { name: "missing name", method: "POST", path: "/api/agents", body: { provider: "openai", model: "m" }, status: 400, code: "validation_error", field: "name" },
    { name: "blank name", method: "POST", path: "/api/agents", body: { ...validAgent, name: "   " }, status: 400, code: "validation_error", field: "name" },
    { name: "missing model", method: "POST", path: "/api/agents", body: { name: "x", provider: "openai" }, status: 400, code: "validation_error", field: "model" },
    { name: "temperature as a string", method: "POST", path: "/api/agents", body: { ...validAgent, temperature: "hot" }, status: 400, code: "validation_error", field: "temperature" },
    { name: "temperature above 2", method: "POST", path: "/api/agents", body: { ...validAgent, temperature: 2.5 }, status: 400, code: "validation_error", field: "temperature" },
    { name: "fractional maxTokens", method: "POST", path: "/api/agents", body: { ...validAgent, maxTokens: 1.5 }, status: 400, code: "validation_error", field: "maxTokens" },
    { name: "zero maxTokens", method: "POST", path: "/api/agents", body: { ...validAgent, maxTokens: 0 }, status: 400, code: "validation_error", field: "maxTokens" },
    { name: "unknown provider", method: "POST", path: "/api/agents", body: { ...validAgent, provider: "skynet" }, status: 400, code: "validation_error", field: "provider" },
    { name: "unknown field", method: "POST", path: "/api/agents", body: { ...validAgent, apiKey: "sk-secret" }, status: 400, code: "validation_error" },
    { name: "compatible without endpoint", method: "POST", path: "/api/agents", body: { ...validAgent, provider: "openai-compatible" }, status: 400, code: "validation_error", field: "endpoint" },
    { name: "endpoint that is a URL", method: "POST", path: "/api/agents", body: { ...validAgent, provider: "openai-compatible", endpoint: "https://evil.example/v1" }, status: 400, code: "validation_error", field: "endpoint" },
    { name: "fallback with unknown field", method: "POST", path: "/api/agents", body: { ...validAgent, fallbacks: [{ provider: "openai", model: "m", url: "x" }] }, status: 400, code: "validation_error" },
    { name: "lone surrogate in name", method: "POST", path: "/api/agents", raw: '{"name":"\\ud800","provider":"openai","model":"m"}', status: 400, code: "validation_error", field: "name" },
    { name: "NUL in name", method: "POST", path: "/api/agents", body: { ...validAgent, name: "a\u0000b" }, status: 400, code: "validation_error", field: "name" },
    { name: "huge body", method: "POST", path: "/api/agents", body: { ...validAgent, systemPrompt: huge }, status: 413, code: "payload_too_large" },
    { name: "unknown id", method: "GET", path: "/api/agents/cunknownagent000000000000", status: 404, code: "not_found" },
    { name: "malformed id", method: "GET", path: "/api/agents/not%20an%20id!", status: 400, code: "validation_error" },
    { name: "overlong id", method: "GET", path: `/api/agents/${"a".repeat(65)}`, status: 400, code: "validation_error" },
    { name: "patch of unknown id", method: "PATCH", path: "/api/agents/cunknownagent000000000000", body: { name: "x" }, status: 404, code: "not_found" },
    { name: "delete of unknown id", method: "DELETE", path: "/api/agents/cunknownagent000000000000", status: 404, code: "not_found" },
    { name: "bad includeInactive", method: "GET", path: "/api/agents?includeInactive=maybe", status: 400, code: "validation_error" },
    { name: "unknown query parameter", method: "GET", path: "/api/agents?sort=name", status: 400, code: "validation_error" },
  ];

  for (const bad of badRequests) {
    it(`answers ${bad.name} with ${bad.status} ${bad.code} and changes nothing`, async () => {
      const before = await allAgents();
      const response = await fetch(`${server.url}${bad.path}`, {
        method: bad.method,
        headers: { "content-type": "application/json", ...bad.headers },
        body: bad.raw ?? (bad.body === undefined ? undefined : JSON.stringify(bad.body)),
      });
      expect(response.status).toBe(bad.status);
      expect(response.headers.get("content-type")).toMatch(/application\/json/);
      const body = await response.json();
      expect(body.error.code).toBe(bad.code);
      expect(body.error.message.length).toBeGreaterThan(5);
      if (bad.field) expect(body.error.details.map((d: { field: string }) => d.field)).toContain(bad.field);
      expect(await allAgents()).toEqual(before);
    });
  }

  it("rejects patches that are empty, unknown or inconsistent, and changes nothing", async () => {
    const id = (await getJson(`${server.url}/api/agents`)).body[0].id;
    const before = await allAgents();
    for (const patch of [{}, { colour: "red" }, { provider: "openai-compatible" }, { temperature: -1 }, { isActive: "yes" }]) {
      const response = await sendJson("PATCH", `${server.url}/api/agents/${id}`, patch);
      expect(response.status, JSON.stringify(patch)).toBe(400);
      expect(response.body.error.code).toBe("validation_error");
    }
    expect(await allAgents()).toEqual(before);
  });
});

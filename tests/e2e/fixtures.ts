// A real server per spec file (worker-scoped) with a temporary SQLite database, its OpenAI
// provider pointed at a fake OpenAI server in this process (tests script its answers, pace
// and faults with `fake.setScript`). `agent` is an agent on that fake, made through the API.
import { test as base } from "@playwright/test";
import { startFakeOpenAI, type FakeServer } from "../fakes/index";
import { startServer, type TestServer } from "../helpers/server";
import { AgentEditor } from "./pages/agent-editor";
import { ChatPage } from "./pages/chat-page";
import { Sidebar } from "./pages/sidebar";

export interface TestAgent {
  id: string;
  name: string;
}

interface WorkerFixtures {
  fake: FakeServer;
  server: TestServer;
  agent: TestAgent;
}

interface TestFixtures {
  baseURL: string;
  chat: ChatPage;
  sidebar: Sidebar;
  editor: AgentEditor;
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  fake: [
    async ({}, use) => {
      const fake = await startFakeOpenAI();
      await use(fake);
      await fake.close();
    },
    { scope: "worker" },
  ],
  server: [
    async ({ fake }, use) => {
      const server = await startServer({ env: { OPENAI_BASE_URL: fake.baseUrl, OPENAI_API_KEY: "sk-e2e-test-key" } });
      await use(server);
      await server.stop();
    },
    // Starting the production server can take a while on a busy 2-core machine.
    { scope: "worker", timeout: 120_000 },
  ],
  agent: [
    async ({ server }, use) => {
      const agent = await createAgent(server.url, { name: "Fake Assistant", avatar: "🧪", description: "Answers from the fake OpenAI server." });
      await use(agent);
    },
    { scope: "worker" },
  ],
  baseURL: async ({ server }, use) => use(server.url),
  chat: async ({ page }, use) => use(new ChatPage(page)),
  sidebar: async ({ page }, use) => use(new Sidebar(page)),
  editor: async ({ page }, use) => use(new AgentEditor(page)),
});

export async function createAgent(baseUrl: string, fields: { name: string; avatar?: string; description?: string; model?: string }): Promise<TestAgent> {
  const response = await fetch(`${baseUrl}/api/agents`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ provider: "openai", model: fields.model ?? "gpt-4o-mini", ...fields }),
  });
  if (response.status !== 201) throw new Error(`creating agent failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as TestAgent;
}

/** A finished turn through the HTTP API (stream:false), for tests that need conversations to exist. */
export async function invokeOnce(baseUrl: string, agentId: string, message: string, conversationId?: string): Promise<{ conversationId: string }> {
  const response = await fetch(`${baseUrl}/api/invoke`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ agentId, message, stream: false, ...(conversationId ? { conversationId } : {}) }),
  });
  if (!response.ok) throw new Error(`invoke failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as { conversationId: string };
}

/** "w1 w2 w3 …": an answer of `count` word tokens, easy to check for completeness. */
export function numberedWords(count: number): string {
  return Array.from({ length: count }, (_, i) => `w${i + 1}`).join(" ");
}

export { expect } from "@playwright/test";

// The default agents, created only when the agents table is empty (first start, or
// `npx prisma db seed` on an empty database). Model names are current vendor names;
// edit them in the UI or through PATCH /api/agents/:id.
import { pathToFileURL } from "node:url";
import type { AgentData } from "@/lib/db/agents";

export const DEFAULT_AGENTS: AgentData[] = [
  {
    name: "Llama 3 Assistant",
    avatar: "🦙",
    description: "A friendly general assistant running on your own machine through Ollama.",
    systemPrompt:
      "You are a helpful, honest assistant. Answer clearly and concisely, use Markdown for structure when it helps, and say so when you are not sure.",
    provider: "ollama",
    model: "llama3.1",
    temperature: 0.7,
    maxTokens: 2048,
    fallbacks: [],
  },
  {
    name: "GPT-4 Strategist",
    avatar: "♟️",
    description: "Thinks through plans, trade-offs and decisions step by step.",
    systemPrompt:
      "You are a strategic advisor. For every question, restate the goal, list the options with their trade-offs and risks, recommend one with your reasoning, and end with the next concrete steps.",
    provider: "openai",
    model: "gpt-4.1",
    temperature: 0.4,
    maxTokens: 4096,
    fallbacks: [{ provider: "openai", model: "gpt-4.1-mini" }],
  },
  {
    name: "Gemini Analyst",
    avatar: "🔎",
    description: "Analyses data, documents and arguments, and shows its evidence.",
    systemPrompt:
      "You are a careful analyst. Separate facts from assumptions, quantify where you can, present findings as short sections or tables, and point out what data would change your conclusion.",
    provider: "gemini",
    model: "gemini-2.5-flash",
    temperature: 0.3,
    maxTokens: 4096,
    fallbacks: [],
  },
  {
    name: "Code Helper",
    avatar: "🧑‍💻",
    description: "Writes, reviews and explains code with a local coding model.",
    systemPrompt:
      "You are an expert software engineer. Give working code in fenced blocks with the language named, explain the important decisions briefly, point out edge cases and how to test them, and prefer simple, readable solutions.",
    provider: "ollama",
    model: "qwen2.5-coder:7b",
    temperature: 0.2,
    maxTokens: 4096,
    fallbacks: [],
  },
  {
    name: "Quick Answers",
    avatar: "⚡",
    description: "Fast, low-cost answers for everyday questions.",
    systemPrompt: "You answer quickly and briefly: one to three sentences, or a short list, unless asked for more.",
    provider: "openai",
    model: "gpt-4.1-nano",
    temperature: 0.5,
    maxTokens: 1024,
    fallbacks: [],
  },
  {
    name: "Local Assistant",
    avatar: "💻",
    description: "Runs a small model inside the server: no API key, no separate server, no network.",
    systemPrompt: "You are a helpful assistant running fully offline. Keep answers short and clear.",
    provider: "local",
    model: "",
    temperature: 0.7,
    maxTokens: 512,
    fallbacks: [],
  },
];

// `npx prisma db seed` runs this file: migrate, then seed an empty database.
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { prepareDatabase } = await import("@/lib/db/startup");
  const { closeDb } = await import("@/lib/db/client");
  const result = await prepareDatabase();
  console.log(result.seeded ? `Seeded ${result.seeded} agents.` : "Agents already present: nothing seeded.");
  await closeDb();
}

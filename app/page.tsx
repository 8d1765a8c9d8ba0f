import { listAgents } from "@/lib/db/agents";

export const dynamic = "force-dynamic";

export default async function HomePage() {
  const agents = await listAgents();
  return (
    <main className="mx-auto max-w-3xl p-6">
      <h1 className="text-2xl font-semibold">Agent Nexus</h1>
      <p className="mt-1 text-sm text-zinc-500">Your agents</p>
      <ul className="mt-6 grid gap-3 sm:grid-cols-2" data-testid="agent-list">
        {agents.map((agent) => (
          <li key={agent.id} data-testid="agent-card" className="rounded-lg border border-zinc-200 p-4 dark:border-zinc-800">
            <div className="flex items-center gap-2">
              <span aria-hidden="true" className="text-xl">
                {agent.avatar}
              </span>
              <span className="font-medium">{agent.name}</span>
            </div>
            <p className="mt-1 text-sm text-zinc-500">{agent.description}</p>
            <p className="mt-2 text-xs text-zinc-400">
              {agent.provider} · {agent.model || "default model"}
            </p>
          </li>
        ))}
      </ul>
    </main>
  );
}

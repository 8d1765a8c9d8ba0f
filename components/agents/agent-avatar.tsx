// An agent's emoji on a soft tile whose tint comes from its name, so agents are easy to tell apart.
const TINTS = [
  "bg-indigo-100 dark:bg-indigo-500/20",
  "bg-emerald-100 dark:bg-emerald-500/20",
  "bg-amber-100 dark:bg-amber-500/20",
  "bg-sky-100 dark:bg-sky-500/20",
  "bg-rose-100 dark:bg-rose-500/20",
  "bg-violet-100 dark:bg-violet-500/20",
  "bg-teal-100 dark:bg-teal-500/20",
];

function tintOf(name: string): string {
  let hash = 0;
  for (const ch of name) hash = (hash * 31 + ch.codePointAt(0)!) >>> 0;
  return TINTS[hash % TINTS.length];
}

export function AgentAvatar({ agent, size = "md" }: { agent: { name: string; avatar: string } | undefined; size?: "sm" | "md" | "lg" }) {
  const box = size === "sm" ? "h-7 w-7 text-base rounded-lg" : size === "lg" ? "h-14 w-14 text-3xl rounded-2xl" : "h-9 w-9 text-xl rounded-xl";
  return (
    <span aria-hidden="true" className={`inline-flex shrink-0 items-center justify-center ${box} ${agent ? tintOf(agent.name) : "bg-zinc-100 dark:bg-zinc-800"}`}>
      {agent?.avatar || "🤖"}
    </span>
  );
}

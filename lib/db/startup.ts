// Everything the database needs before the server accepts requests.
import path from "node:path";
import { DEFAULT_AGENTS } from "@/prisma/seed";
import { getDb } from "@/lib/db/client";
import { applyMigrations } from "@/lib/db/migrate";
import { getEnv, sqlitePath } from "@/lib/env";

export interface StartupReport {
  migrationsApplied: string[];
  seeded: number;
  interrupted: number;
}

export async function prepareDatabase(): Promise<StartupReport> {
  const env = getEnv();
  const { applied } = applyMigrations(sqlitePath(env.DATABASE_URL), path.resolve("prisma/migrations"));
  const db = getDb();
  let seeded = 0;
  if (env.SEED_DEFAULT_AGENTS === "true") {
    // Seed inside one transaction so two processes starting together cannot both seed.
    seeded = await db.$transaction(async (tx) => {
      if ((await tx.agent.count()) > 0) return 0;
      const base = Date.now();
      // Distinct timestamps keep the listing in the order written above.
      for (const [index, agent] of DEFAULT_AGENTS.entries()) {
        const createdAt = new Date(base + index);
        await tx.agent.create({ data: { ...agent, fallbacks: agent.fallbacks as object[], createdAt } });
      }
      return DEFAULT_AGENTS.length;
    });
  }
  // A crash mid-turn leaves assistant rows `streaming`; nothing will ever finish them.
  const { count: interrupted } = await db.message.updateMany({
    where: { status: "streaming" },
    data: { status: "interrupted" },
  });
  return { migrationsApplied: applied, seeded, interrupted };
}

// The Prisma client: one per process, on a typed globalThis slot, because server.ts
// and Next's route handlers load this module in separate module graphs.
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "@/lib/db/generated/client.ts";
import { getEnv, sqlitePath } from "@/lib/env";

export type Db = PrismaClient;
export type { Prisma } from "@/lib/db/generated/client.ts";

const slot = globalThis as typeof globalThis & { __agentNexusDb?: PrismaClient };

export function getDb(): PrismaClient {
  if (!slot.__agentNexusDb) {
    const adapter = new PrismaBetterSqlite3({ url: `file:${sqlitePath(getEnv().DATABASE_URL)}` });
    slot.__agentNexusDb = new PrismaClient({ adapter });
  }
  return slot.__agentNexusDb;
}

export async function closeDb(): Promise<void> {
  const db = slot.__agentNexusDb;
  slot.__agentNexusDb = undefined;
  await db?.$disconnect();
}

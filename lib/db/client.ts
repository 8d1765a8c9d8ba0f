// The database connection: one per process, on a typed globalThis slot, because server.ts
// and Next's route handlers load this module in separate module graphs.
//
// Prisma serves the API's queries. The statements of a running turn (lib/db/turn-store.ts)
// go straight to the better-sqlite3 connection underneath it: the same connection, so they
// see and join exactly what Prisma sees, but without Prisma's per-query compilation, which
// costs 0.5–2 ms of CPU per query against ~10–90 µs for a prepared statement.
import Database from "better-sqlite3";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { PrismaClient } from "@/lib/db/generated/client.ts";
import { getEnv, sqlitePath } from "@/lib/env";

export type Db = PrismaClient;
export type { Prisma } from "@/lib/db/generated/client.ts";
export type SqliteConnection = Database.Database;

interface Connection {
  prisma: PrismaClient;
  /** Resolves when Prisma opens its connection (on its first query or `$connect`). */
  opened: Promise<SqliteConnection>;
  ready?: Promise<SqliteConnection>;
}

const slot = globalThis as typeof globalThis & { __agentNexusDb?: Connection };

function connect(): Connection {
  const factory = new PrismaBetterSqlite3({ url: `file:${sqlitePath(getEnv().DATABASE_URL)}` });
  let onOpen!: (connection: SqliteConnection) => void;
  const opened = new Promise<SqliteConnection>((resolve) => (onOpen = resolve));
  // Hands Prisma its adapter as usual and keeps the driver connection the adapter wraps.
  const capturing: SqlMigrationAwareDriverAdapterFactory = {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connectToShadowDb: () => factory.connectToShadowDb(),
    async connect() {
      const adapter = await factory.connect();
      const driver = (adapter as SqlDriverAdapter & { client?: unknown }).client;
      if (!(driver instanceof Database)) {
        throw new Error("@prisma/adapter-better-sqlite3 no longer exposes its connection as `client`: see lib/db/client.ts");
      }
      // WAL already makes commits durable against a crash of this process; NORMAL skips
      // the fsync per commit that only protects against losing power.
      driver.pragma("synchronous = NORMAL");
      onOpen(driver);
      return adapter;
    },
  };
  return { prisma: new PrismaClient({ adapter: capturing }), opened };
}

function connection(): Connection {
  slot.__agentNexusDb ??= connect();
  return slot.__agentNexusDb;
}

export function getDb(): PrismaClient {
  return connection().prisma;
}

/** The better-sqlite3 connection under Prisma. Only lib/db modules use it. */
export function getSqlite(): Promise<SqliteConnection> {
  const current = connection();
  current.ready ??= current.prisma.$connect().then(
    () => current.opened,
    (err: unknown) => {
      // Not remembered: the next caller tries again (the file may be back).
      current.ready = undefined;
      throw err;
    },
  );
  return current.ready;
}

export async function closeDb(): Promise<void> {
  const connection = slot.__agentNexusDb;
  slot.__agentNexusDb = undefined;
  await connection?.prisma.$disconnect();
}

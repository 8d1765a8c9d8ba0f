// Applies committed Prisma migrations (prisma/migrations/*/migration.sql) in order and
// records them in `_prisma_migrations` exactly as `prisma migrate deploy` does, so the
// database stays a standard Prisma database. Runs offline: the Prisma CLI cannot migrate
// without its native engine (see STACK notes in README).
import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";

const MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
)`;

export interface MigrationResult {
  applied: string[];
}

export function listMigrations(migrationsDir: string): { name: string; sql: string; checksum: string }[] {
  if (!fs.existsSync(migrationsDir)) return [];
  return fs
    .readdirSync(migrationsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(migrationsDir, entry.name, "migration.sql")))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(migrationsDir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

/** Opens the SQLite file (creating it), turns on WAL and applies pending migrations. */
export function applyMigrations(dbFile: string, migrationsDir = path.resolve("prisma/migrations")): MigrationResult {
  fs.mkdirSync(path.dirname(dbFile), { recursive: true });
  const db = new Database(dbFile);
  try {
    // WAL lets readers (Studio, the API) work while a turn is being written.
    db.pragma("journal_mode = WAL");
    db.exec(MIGRATIONS_TABLE);
    const done = new Set(
      db
        .prepare(`SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`)
        .all()
        .map((row) => (row as { migration_name: string }).migration_name),
    );
    const failed = db
      .prepare(`SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NULL AND rolled_back_at IS NULL`)
      .all() as { migration_name: string }[];
    if (failed.length > 0) {
      throw new Error(
        `Migration ${failed[0].migration_name} failed earlier and was not rolled back; fix the database or delete it and restart.`,
      );
    }
    const applied: string[] = [];
    const record = db.prepare(
      `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count)
       VALUES (?, ?, ?, ?, NULL, NULL, ?, 1)`,
    );
    for (const migration of listMigrations(migrationsDir)) {
      if (done.has(migration.name)) continue;
      const startedAt = Date.now();
      // Prisma's table-redefining migrations turn foreign keys off with a PRAGMA, which SQLite
      // ignores inside a transaction; left on, their DROP TABLE cascades into every child row.
      db.pragma("foreign_keys = OFF");
      try {
        // One transaction per migration: a failing migration leaves nothing half-applied.
        db.transaction(() => {
          db.exec(migration.sql);
          if ((db.pragma("foreign_key_check") as unknown[]).length > 0) {
            throw new Error(`Migration ${migration.name} leaves rows that break a foreign key.`);
          }
          record.run(randomUUID(), migration.checksum, Date.now(), migration.name, startedAt);
        })();
      } finally {
        db.pragma("foreign_keys = ON");
      }
      applied.push(migration.name);
    }
    return { applied };
  } finally {
    db.close();
  }
}

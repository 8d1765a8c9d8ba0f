// The offline migration scripts, run as a developer runs them, against a temp copy of the
// schema and migrations and a temp SQLite file. No app server is needed.
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");
let dir: string;
let schemaFile: string;
let migrationsDir: string;
let dbFile: string;

function runMigrate(...args: string[]) {
  const result = spawnSync(
    process.execPath,
    ["--import", "tsx", "scripts/migrate.ts", ...args, "--schema", schemaFile, "--migrations", migrationsDir],
    { cwd: root, encoding: "utf8", env: { ...process.env, DATABASE_URL: `file:${dbFile}` } },
  );
  return { status: result.status, output: result.stdout + result.stderr };
}

/** Edits the temp schema, failing loudly if the line to change is not there. */
function editSchema(from: string, to: string): void {
  const schema = fs.readFileSync(schemaFile, "utf8");
  expect(schema).toContain(from);
  fs.writeFileSync(schemaFile, schema.replace(from, to));
}

const migrationFolders = () => fs.readdirSync(migrationsDir).filter((name) => !name.endsWith(".toml")).sort();

function query<T>(sql: string): T[] {
  const db = new Database(dbFile, { readonly: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "nexus-migrate-"));
  schemaFile = path.join(dir, "schema.prisma");
  migrationsDir = path.join(dir, "migrations");
  dbFile = path.join(dir, "dev.db");
  fs.copyFileSync(path.join(root, "prisma/schema.prisma"), schemaFile);
  fs.cpSync(path.join(root, "prisma/migrations"), migrationsDir, { recursive: true });
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("db:migrate", () => {
  it("creates a standard migration for a new column and applies it", () => {
    // An optional column: SQLite adds it in place (other changes rebuild the table, see below).
    editSchema(`  conversations Conversation[]\n`, `  conversations Conversation[]\n  color         String?\n`);
    const { status, output } = runMigrate("create", "add agentColor");
    expect(output, output).toContain("Created");
    expect(status).toBe(0);

    const created = migrationFolders().at(-1)!;
    expect(created).toMatch(/^\d{14}_add_agent_color$/);
    const sql = fs.readFileSync(path.join(migrationsDir, created, "migration.sql"), "utf8");
    expect(sql).toContain(`ALTER TABLE "Agent" ADD COLUMN "color" TEXT;`);
    expect(fs.readFileSync(path.join(migrationsDir, "migration_lock.toml"), "utf8")).toContain(`provider = "sqlite"`);

    const columns = query<{ name: string }>(`PRAGMA table_info("Agent")`).map((column) => column.name);
    expect(columns).toContain("color");
    const recorded = query<{ migration_name: string; checksum: string; finished_at: number | null }>(
      `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    expect(recorded.map((row) => row.migration_name)).toEqual(migrationFolders());
    expect(recorded.at(-1)!.checksum).toBe(createHash("sha256").update(sql).digest("hex"));
    expect(recorded.at(-1)!.finished_at).not.toBeNull();
  }, 30_000);

  it("writes nothing when the schema has not changed", () => {
    const before = migrationFolders();
    const { status, output } = runMigrate("create", "nothing");
    expect(status, output).toBe(0);
    expect(output).toContain("No schema changes");
    expect(migrationFolders()).toEqual(before);
  }, 30_000);

  it("keeps existing rows when a change rebuilds a table", () => {
    const db = new Database(dbFile);
    db.exec(`INSERT INTO "Agent" (id, name, provider, model, updatedAt) VALUES ('a1', 'Kept', 'openai', 'gpt-4o', 0);
             INSERT INTO "Conversation" (id, title, agentId, updatedAt) VALUES ('c1', 'Kept too', 'a1', 0);`);
    db.close();
    // SQLite cannot change a column default in place: Prisma rebuilds the Agent table.
    editSchema(`@default(0.7)`, `@default(0.5)`);
    const { status, output } = runMigrate("create", "cooler default");
    expect(status, output).toBe(0);
    const sql = fs.readFileSync(path.join(migrationsDir, migrationFolders().at(-1)!, "migration.sql"), "utf8");
    expect(sql).toContain(`DROP TABLE "Agent"`);

    expect(query(`SELECT id, name FROM "Agent"`)).toEqual([{ id: "a1", name: "Kept" }]);
    expect(query(`SELECT id, agentId FROM "Conversation"`)).toEqual([{ id: "c1", agentId: "a1" }]);
  }, 30_000);
});

describe("db:deploy", () => {
  it("applies the committed migrations to a fresh database", () => {
    for (const file of [dbFile, `${dbFile}-wal`, `${dbFile}-shm`]) fs.rmSync(file, { force: true });
    const { status, output } = runMigrate("deploy");
    expect(status, output).toBe(0);
    expect(query<{ migration_name: string }>(`SELECT migration_name FROM "_prisma_migrations"`).map((r) => r.migration_name).sort())
      .toEqual(migrationFolders());
    expect(runMigrate("deploy").output).toContain("No pending migrations");
  }, 30_000);
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

describe("db:studio", () => {
  it("serves Prisma Studio over HTTP on the migrated database", async () => {
    const studioDb = path.join(dir, "studio.db");
    const port = await freePort();
    const studio = spawn(process.execPath, ["--import", "tsx", "scripts/studio.ts"], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: `file:${studioDb}`, STUDIO_PORT: String(port), BROWSER: "none" },
      stdio: "ignore",
    });
    const exited = new Promise((resolve) => studio.on("exit", resolve));
    try {
      const url = `http://127.0.0.1:${port}`;
      let page: Response | undefined;
      for (const deadline = Date.now() + 40_000; !page && Date.now() < deadline; ) {
        page = await fetch(url).catch(() => undefined);
        if (!page) await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect(page?.status).toBe(200);
      expect(await page!.text()).toMatch(/<!doctype html>/i);

      // Studio's own query endpoint sees the tables the migrations created.
      const tables = await fetch(`${url}/bff`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          procedure: "query",
          query: { sql: `SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`, parameters: [] },
        }),
      }).then((response) => response.json());
      expect(JSON.stringify(tables)).toContain(`"name":"Agent"`);
    } finally {
      studio.kill("SIGTERM");
      await exited;
    }
  }, 60_000);
});

// Prisma's schema engine (WebAssembly build) on top of the better-sqlite3 driver adapter: the
// Prisma CLI can only migrate with its native engine, which cannot be downloaded here.
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from "@prisma/driver-adapter-utils";
import * as glue from "@prisma/schema-engine-wasm/schema_engine_bg";
import type { MigrationList, SchemaEngine, SchemasContainer } from "@prisma/schema-engine-wasm/schema_engine_bg";

export const NO_FILTER = { externalTables: [], externalEnums: [] };

const require = createRequire(import.meta.url);
let wasmReady: Promise<void> | undefined;

// The package's entry point imports the .wasm file as an ES module, which Node 20 cannot do,
// so the module is instantiated here against the JS glue the package exports.
function loadWasm(): Promise<void> {
  wasmReady ??= (async () => {
    const glueFile = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
    const bytes = fs.readFileSync(path.join(path.dirname(glueFile), "schema_engine_bg.wasm"));
    const { instance } = await WebAssembly.instantiate(bytes, { "./schema_engine_bg.js": glue });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
  })();
  return wasmReady;
}

/** The better-sqlite3 adapter factory, remembering its connections so they can be closed. */
function sqliteAdapterFactory(dbFile: string, opened: SqlDriverAdapter[]): SqlMigrationAwareDriverAdapterFactory {
  const factory = new PrismaBetterSqlite3({ url: dbFile });
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    async connect() {
      const main = await factory.connect();
      opened.push(main);
      return main;
    },
    async connectToShadowDb() {
      const shadow = await factory.connectToShadowDb();
      opened.push(shadow);
      // The engine replays each whole migration file on the shadow database through
      // executeRaw; better-sqlite3 only runs several statements at once through exec.
      const executeRaw = shadow.executeRaw.bind(shadow);
      shadow.executeRaw = async (query) =>
        query.args.length === 0 ? (await shadow.executeScript(query.sql), 0) : executeRaw(query);
      return shadow;
    },
  };
}

export interface OpenEngine {
  engine: SchemaEngine;
  close(): Promise<void>;
}

export async function openSchemaEngine(dbFile: string, schema: SchemasContainer): Promise<OpenEngine> {
  await loadWasm();
  const opened: SqlDriverAdapter[] = [];
  const adapter = bindMigrationAwareSqlAdapterFactory(sqliteAdapterFactory(dbFile, opened));
  const datamodels = schema.files.map((file): [string, string] => [file.path, file.content]);
  const log = (line: string) => process.env.DEBUG && console.error(line);
  const engine = await glue.SchemaEngine.new({ datamodels }, log, adapter);
  return {
    engine,
    async close() {
      engine.free();
      await Promise.all(opened.map((connection) => connection.dispose()));
    },
  };
}

export function readSchema(schemaFile: string): SchemasContainer {
  return { files: [{ path: schemaFile, content: fs.readFileSync(schemaFile, "utf8") }] };
}

/** The migrations folder in the shape the engine takes (what the Prisma CLI reads from disk). */
export function readMigrationsList(migrationsDir: string): MigrationList {
  const dir = path.resolve(migrationsDir);
  const lockFile = path.join(dir, "migration_lock.toml");
  const folders = fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()) : [];
  return {
    baseDir: dir,
    lockfile: { path: "migration_lock.toml", content: fs.existsSync(lockFile) ? fs.readFileSync(lockFile, "utf8") : null },
    shadowDbInitScript: "",
    migrationDirectories: folders
      .map((folder) => folder.name)
      .sort()
      .map((name) => {
        const sqlFile = path.join(dir, name, "migration.sql");
        const content = fs.existsSync(sqlFile)
          ? { tag: "ok" as const, value: fs.readFileSync(sqlFile, "utf8") }
          : { tag: "error" as const, value: `${sqlFile} is missing` };
        return { path: name, migrationFile: { path: "migration.sql", content } };
      }),
  };
}

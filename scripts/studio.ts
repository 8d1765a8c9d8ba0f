// `npm run db:studio`: Prisma Studio on the database the server uses. Pending migrations are
// applied first so Studio never opens an empty file. Studio rejects relative file URLs, so it
// gets an absolute one. STUDIO_PORT (default 5555); BROWSER=none or CI keeps the browser shut.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { applyMigrations } from "@/lib/db/migrate";
import { projectDatabaseFile } from "./lib/project-db";

const dbFile = projectDatabaseFile();
applyMigrations(dbFile, path.resolve("prisma/migrations"));

const args = ["studio", "--url", pathToFileURL(dbFile).href, "--port", process.env.STUDIO_PORT || "5555"];
if (process.env.BROWSER === "none" || process.env.CI) args.push("--browser", "none");

const cli = createRequire(import.meta.url).resolve("prisma/build/index.js");
const studio = spawn(process.execPath, [cli, ...args], {
  stdio: "inherit",
  env: {
    ...process.env,
    // Same offline settings as scripts/prisma.ts: no engine download, no update check.
    PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
    CHECKPOINT_DISABLE: "1",
  },
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => studio.kill(signal));
studio.on("exit", (code, signal) => process.exit(code ?? (signal ? 0 : 1)));

// `npm run db:studio`: Prisma Studio on the database the server uses. Pending migrations are
// applied first so Studio never opens an empty file. Studio rejects relative file URLs, so it
// gets an absolute one. STUDIO_PORT (default 5555); BROWSER=none or CI keeps the browser shut.
import path from "node:path";
import { pathToFileURL } from "node:url";
import { applyMigrations } from "@/lib/db/migrate";
import { runPrismaCli } from "./lib/prisma-cli";
import { projectDatabaseFile } from "./lib/project-db";

const dbFile = projectDatabaseFile();
applyMigrations(dbFile, path.resolve("prisma/migrations"));

const args = ["studio", "--url", pathToFileURL(dbFile).href, "--port", process.env.STUDIO_PORT || "5555"];
if (process.env.BROWSER === "none" || process.env.CI) args.push("--browser", "none");

const studio = runPrismaCli(args);
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => studio.kill(signal));
studio.on("exit", (code, signal) => process.exit(code ?? (signal ? 0 : 1)));

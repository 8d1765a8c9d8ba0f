// The Prisma CLI, run offline. Every CLI command but `studio` first looks for the native
// schema-engine binary and tries to download it (unreachable here). `generate`, `validate`
// and `format` only check that the file exists, so point it at any existing file.
// Migrations do not go through the CLI at all: see scripts/migrate.ts.
import { spawn, type ChildProcess, type StdioOptions } from "node:child_process";
import { createRequire } from "node:module";

export function runPrismaCli(args: string[], stdio: StdioOptions = "inherit"): ChildProcess {
  const cli = createRequire(import.meta.url).resolve("prisma/build/index.js");
  return spawn(process.execPath, [cli, ...args], {
    stdio,
    env: {
      ...process.env,
      PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
      PRISMA_HIDE_UPDATE_MESSAGE: "1",
      CHECKPOINT_DISABLE: "1",
    },
  });
}

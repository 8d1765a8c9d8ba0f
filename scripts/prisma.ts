// Runs the Prisma CLI offline. Every CLI command but `studio` first looks for the native
// schema-engine binary and tries to download it (unreachable here). `generate`, `validate`
// and `format` only check that the file exists, so point it at any existing file.
// Migrations do not go through the CLI at all: see scripts/migrate.ts.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const cli = require.resolve("prisma/build/index.js");
const result = spawnSync(process.execPath, [cli, ...process.argv.slice(2)], {
  stdio: "inherit",
  env: {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
    CHECKPOINT_DISABLE: "1",
  },
});
process.exit(result.status ?? 1);

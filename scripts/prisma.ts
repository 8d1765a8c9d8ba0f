// `npm run db:generate` and any other Prisma CLI command, offline (see scripts/lib/prisma-cli.ts).
import { runPrismaCli } from "./lib/prisma-cli";

runPrismaCli(process.argv.slice(2)).on("exit", (code) => process.exit(code ?? 1));

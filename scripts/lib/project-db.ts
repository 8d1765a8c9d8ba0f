// The SQLite file the server uses, found the way server.ts finds it (.env files, DATABASE_URL).
import nextEnv from "@next/env";
import { sqlitePath } from "@/lib/env";

export function projectDatabaseFile(): string {
  nextEnv.loadEnvConfig(process.cwd(), process.env.NODE_ENV !== "production", { info: () => {}, error: console.error });
  return sqlitePath(process.env.DATABASE_URL || "file:./prisma/dev.db");
}

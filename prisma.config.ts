// Prisma 7 configuration: the schema, the migrations folder and the database URL.
// The URL defaults to the same SQLite file the server uses.
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations", seed: "tsx prisma/seed.ts" },
  datasource: { url: process.env.DATABASE_URL ?? "file:./prisma/dev.db" },
});

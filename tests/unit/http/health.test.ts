import { afterAll, beforeAll, describe, expect, it } from "vitest";

describe("GET /api/health", () => {
  beforeAll(() => {
    // A database file that cannot be opened: its directory does not exist and cannot be created.
    process.env.DATABASE_URL = "file:/proc/agent-nexus-missing/test.db";
  });
  afterAll(async () => {
    const { closeDb } = await import("@/lib/db/client");
    await closeDb().catch(() => {});
  });

  it("answers 503 with db:error when the database is unusable", async () => {
    const original = console.error;
    console.error = () => {};
    try {
      const { GET } = await import("@/app/api/health/route");
      const response = await GET();
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ status: "error", db: "error" });
    } finally {
      console.error = original;
    }
  });
});

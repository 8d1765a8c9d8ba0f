// A real server per spec file (worker-scoped), with a temporary SQLite database.
import { test as base } from "@playwright/test";
import { startServer, type TestServer } from "../helpers/server";

export const test = base.extend<{ baseURL: string }, { server: TestServer }>({
  server: [
    async ({}, use) => {
      const server = await startServer();
      await use(server);
      await server.stop();
    },
    { scope: "worker" },
  ],
  baseURL: async ({ server }, use) => use(server.url),
});

export { expect } from "@playwright/test";

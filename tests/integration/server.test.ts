import { afterEach, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { ROOT, startServer, tempDbFile, type TestServer } from "../helpers/server";
import { getJson, sendJson } from "../helpers/http";
import { connectSocket } from "../helpers/ws";

const servers: TestServer[] = [];
async function start(options?: Parameters<typeof startServer>[0]) {
  const server = await startServer(options);
  servers.push(server);
  return server;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

describe("server start-up", () => {
  it("seeds the default agents once, only into an empty table, and keeps data across restarts", async () => {
    const server = await start();
    const seeded = (await getJson(`${server.url}/api/agents`)).body;
    expect(seeded).toHaveLength(6);
    const created = await sendJson("POST", `${server.url}/api/agents`, { name: "Mine", provider: "ollama", model: "llama3.1" });
    expect(created.status).toBe(201);

    await server.stop();
    await server.restart();
    const after = (await getJson(`${server.url}/api/agents`)).body;
    expect(after).toHaveLength(7);
    expect(after.map((agent: { id: string }) => agent.id)).toEqual([...seeded.map((agent: { id: string }) => agent.id), created.body.id]);
  });

  it("does not seed when seeding is off, and seeds later into the still-empty table", async () => {
    const dbFile = tempDbFile();
    const first = await start({ dbFile, env: { SEED_DEFAULT_AGENTS: "false" } });
    expect((await getJson(`${first.url}/api/agents`)).body).toEqual([]);
    await first.stop();
    const second = await start({ dbFile });
    expect((await getJson(`${second.url}/api/agents`)).body).toHaveLength(6);
  });

  it("says in one line that the port is taken", async () => {
    const server = await start();
    const child = spawn(process.execPath, ["--import", "tsx", "server.ts"], {
      cwd: ROOT,
      env: { ...(server.env as NodeJS.ProcessEnv), DATABASE_URL: `file:${tempDbFile()}` },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(code).not.toBe(0);
    expect(stderr).toContain(`Port ${server.port} on 127.0.0.1 is already in use`);
  });

  it("refuses a bad environment with a message naming the variable", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "server.ts"], {
      cwd: ROOT,
      env: { ...process.env, PORT: "not-a-port", DATABASE_URL: `file:${tempDbFile()}` },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(code).toBe(1);
    expect(stderr).toContain("Invalid environment");
    expect(stderr).toContain("PORT");
  });

  it("shuts down gracefully on SIGTERM, closing WebSockets with 1001", async () => {
    const server = await start();
    const socket = await connectSocket(server.wsUrl);
    await socket.waitFor((m) => m.type === "connected");
    await server.stop();
    expect((await socket.closed).code).toBe(1001);
    servers.splice(servers.indexOf(server), 1);
  });
});

describe("WebSocket hub on the same port", () => {
  it("greets on /ws and on /, and answers a malformed frame with an error without closing", async () => {
    const server = await start();
    for (const url of [server.wsUrl, server.url.replace("http", "ws") + "/"]) {
      const socket = await connectSocket(url);
      const connected = await socket.waitFor((m) => m.type === "connected");
      expect(connected.connectionId).toEqual(expect.any(String));
      socket.sendRaw("{not json");
      const error = await socket.waitFor((m) => m.type === "error");
      expect(error.code).toBe("invalid_message");
      socket.send({ type: "ping" });
      await socket.waitFor((m) => m.type === "pong");
      socket.close();
    }
  });

  it("hands /_next/ upgrades to Next in dev mode, so hot reload keeps working", async () => {
    const server = await start({ env: { NODE_ENV: "development" } });
    expect((await fetch(`${server.url}/`)).status).toBe(200);
    const hmr = await connectSocket(`${server.url.replace("http", "ws")}/_next/hmr?id=test`, { origin: server.url });
    const first = await hmr.waitFor(() => true);
    expect(first.type).not.toBe("connected");
    hmr.close();
    const hub = await connectSocket(server.wsUrl);
    await hub.waitFor((m) => m.type === "connected");
    hub.close();
  });
});

// One process, one port: Next.js (pages and route handlers) and the realtime hub's
// WebSocket server. Run with tsx: `npm run dev`, or `npm start` after `next build`.
import { EventEmitter } from "node:events";
import http from "node:http";
import nextEnv from "@next/env";
import next from "next";

const dev = process.env.NODE_ENV !== "production";
// Load .env before anything reads the environment (Next would load it only in prepare()).
nextEnv.loadEnvConfig(process.cwd(), dev, { info: () => {}, error: console.error });

const { getEnv } = await import("@/lib/env");
const { logger } = await import("@/lib/logger");
const { prepareDatabase } = await import("@/lib/db/startup");
const { closeDb } = await import("@/lib/db/client");
const { getHub } = await import("@/lib/realtime/hub");
const { hubCommands, stopAllInvocations } = await import("@/lib/invoke");
const { INVOKE_PATH, serveInvoke } = await import("@/lib/http/invoke-endpoint");

const env = (() => {
  try {
    return getEnv();
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
})();
const startedAt = Date.now();

const report = await prepareDatabase();
if (report.migrationsApplied.length) logger.info(`applied migrations: ${report.migrationsApplied.join(", ")}`);
if (report.seeded) logger.info(`seeded ${report.seeded} default agents`);
if (report.interrupted) logger.warn(`marked ${report.interrupted} unfinished messages as interrupted`);

// Next attaches its own "upgrade" listener to `httpServer` on the first request, and that
// listener would also take /ws and /. Give it an emitter of its own and forward only its
// upgrades (dev hot reload on /_next/hmr) to it. (app.getUpgradeHandler() does not reach
// the dev hot reloader in a custom server.)
const nextUpgrades = new EventEmitter();
const app = next({ dev, hostname: env.HOST, port: env.PORT, httpServer: nextUpgrades as http.Server });
await app.prepare();
const handleRequest = app.getRequestHandler();

const hub = getHub({ maxPayload: env.WS_MAX_PAYLOAD_BYTES, heartbeatMs: env.WS_HEARTBEAT_MS });
hub.setCommands(hubCommands);

const server = http.createServer((request, response) => {
  // The invoke endpoint is served here, without Next's pipeline (lib/http/invoke-endpoint.ts).
  if (request.url === INVOKE_PATH || request.url?.startsWith(`${INVOKE_PATH}?`)) return void serveInvoke(request, response);
  handleRequest(request, response).catch((err: unknown) => {
    logger.error("request failed", err);
    if (!response.headersSent) response.writeHead(500).end();
  });
});

server.on("upgrade", (request, socket, head) => {
  const pathname = (request.url ?? "/").split("?")[0];
  if (pathname.startsWith("/_next/")) {
    // Next listens once it has served a request (a browser always loads a page first).
    if (!nextUpgrades.emit("upgrade", request, socket, head)) socket.destroy();
    return;
  }
  if (pathname === "/ws" || pathname === "/") return hub.handleUpgrade(request, socket, head);
  socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n");
});

server.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EADDRINUSE") {
    console.error(`Port ${env.PORT} on ${env.HOST} is already in use: stop the other process or set PORT to a free port.`);
  } else {
    console.error(`Server error: ${err.message}`);
  }
  process.exit(1);
});

server.listen(env.PORT, env.HOST, () => {
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : env.PORT;
  logger.info(
    `Agent Nexus ready on http://${env.HOST}:${port} (WebSocket ws://${env.HOST}:${port}/ws, ${dev ? "dev" : "production"}, started in ${Date.now() - startedAt} ms)`,
  );
});

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info(`${signal}: shutting down`);
  // Stop taking new connections, finish every running turn's bookkeeping, then close.
  const forceExit = setTimeout(() => process.exit(1), 10_000);
  forceExit.unref();
  server.close();
  await stopAllInvocations();
  await hub.close();
  server.closeAllConnections();
  await closeDb();
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));

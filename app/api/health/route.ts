import packageJson from "@/package.json" with { type: "json" };
import { checkDatabase } from "@/lib/db/health";
import { logger } from "@/lib/logger";

export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  const db = await checkDatabase();
  if (!db.ok) logger.error(`health: database check failed: ${db.error}`);
  const body = {
    status: db.ok ? "ok" : "error",
    db: db.ok ? "ok" : "error",
    version: packageJson.version,
    uptimeSeconds: Math.round(process.uptime()),
  };
  return Response.json(body, { status: db.ok ? 200 : 503, headers: { "Cache-Control": "no-store" } });
}

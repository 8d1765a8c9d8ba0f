import { getRegistry } from "@/lib/invoke";
import { getHub } from "@/lib/realtime/hub";

export const dynamic = "force-dynamic";

/** Operational counters: invocations, database writes made by turns, and the hub. */
export async function GET(): Promise<Response> {
  const { stats, byId } = getRegistry();
  return Response.json(
    {
      invocations: { started: stats.started, finished: stats.finished, running: byId.size },
      turnDbWrites: stats.dbWrites,
      realtime: getHub().stats(),
      memory: { rssBytes: process.memoryUsage().rss },
    },
    { headers: { "Cache-Control": "no-store" } },
  );
}

import { getDb } from "@/lib/db/client";

/** True when the database answers a trivial query. */
export async function checkDatabase(): Promise<{ ok: true } | { ok: false; error: string }> {
  try {
    await getDb().$queryRawUnsafe("SELECT 1");
    return { ok: true };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

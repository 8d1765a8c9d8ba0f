import { getProviderStatuses } from "@/lib/agents/catalog";
import { route } from "@/lib/http/request";

export const dynamic = "force-dynamic";

/** Every provider (one entry per declared OpenAI-compatible endpoint): configured, reachable; never a key. */
export const GET = route(async () => Response.json(await getProviderStatuses()));

import { conversationListQuerySchema } from "@/app/api/conversations/schema";
import { decodeCursor, listConversations } from "@/lib/db/conversations";
import { AppError } from "@/lib/http/errors";
import { parseQuery, route } from "@/lib/http/request";

export const dynamic = "force-dynamic";

export const GET = route(async (request) => {
  const query = parseQuery(request, conversationListQuerySchema);
  const cursor = query.cursor ? decodeCursor(query.cursor) : undefined;
  if (cursor === null) {
    throw new AppError("validation_error", "Invalid query: cursor: use the nextCursor of a previous page.", [
      { field: "cursor", message: "is not a cursor this API returned" },
    ]);
  }
  return Response.json(await listConversations({ ...query, q: query.q || undefined, cursor }));
});

import { AppError } from "@/lib/http/errors";
import { parseParams, route } from "@/lib/http/request";
import { cancelInvocation } from "@/lib/invoke";
import { z } from "zod";

export const dynamic = "force-dynamic";

const paramsSchema = z.object({ id: z.string().uuid("must be an invocation id (a UUID)") }).strict();

export const POST = route(async (_request, { params }) => {
  const { id } = await parseParams(params, paramsSchema);
  if (!cancelInvocation(id)) throw new AppError("not_found", `No running invocation with id ${id}.`);
  return Response.json({ invocationId: id, status: "cancelling" }, { status: 202 });
});

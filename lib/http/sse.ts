// Server-sent events for one invocation: every event (replayed from the start, then
// live) as `id/event/data`, a keep-alive comment on a timer, closed after done/error.
// Closing the response only unsubscribes: the turn itself goes on.
import type { ServerResponse } from "node:http";
import { getEnv } from "@/lib/env";
import { getHub } from "@/lib/realtime/hub";
import { TERMINAL_EVENT_TYPES } from "@/lib/realtime/events";

const SSE_HEADERS = {
  "Content-Type": "text/event-stream; charset=utf-8",
  "Cache-Control": "no-cache, no-transform",
  Connection: "keep-alive",
  "X-Accel-Buffering": "no",
};

export function streamInvocationEvents(response: ServerResponse, invocationId: string): void {
  response.writeHead(200, SSE_HEADERS);
  let open = true;
  let unsubscribe = () => {};
  const keepAlive = setInterval(() => response.write(": keep-alive\n\n"), getEnv().SSE_KEEPALIVE_MS);
  const stop = () => {
    open = false;
    clearInterval(keepAlive);
    unsubscribe();
  };
  response.once("close", stop);
  // The hub serialized each event once; one write per event, straight to the socket.
  unsubscribe = getHub().follow(invocationId, 0, (event, json) => {
    if (!open) return;
    response.write(`id: ${event.seq}\nevent: ${event.type}\ndata: ${json}\n\n`);
    if (TERMINAL_EVENT_TYPES.has(event.type)) {
      stop();
      response.end();
    }
  });
  if (!open) unsubscribe();
}

// Server-sent events for one invocation: every event (replayed from the start, then
// live) as `id/event/data`, a keep-alive comment on a timer, closed after done/error.
// Closing the response only unsubscribes: the turn itself goes on.
import { getEnv } from "@/lib/env";
import { getHub } from "@/lib/realtime/hub";
import { TERMINAL_EVENT_TYPES } from "@/lib/realtime/events";

const encoder = new TextEncoder();

export function invocationEventStream(invocationId: string): Response {
  let cleanup = () => {};
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const keepAlive = setInterval(() => controller.enqueue(encoder.encode(": keep-alive\n\n")), getEnv().SSE_KEEPALIVE_MS);
      let closed = false;
      let unsubscribe = () => {};
      cleanup = () => {
        closed = true;
        clearInterval(keepAlive);
        unsubscribe();
      };
      unsubscribe = getHub().follow(invocationId, 0, (event, json) => {
        if (closed) return;
        controller.enqueue(encoder.encode(`id: ${event.seq}\nevent: ${event.type}\ndata: ${json}\n\n`));
        if (TERMINAL_EVENT_TYPES.has(event.type)) {
          cleanup();
          controller.close();
        }
      });
    },
    cancel() {
      cleanup();
    },
  });
  return new Response(body, {
    headers: {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-cache, no-transform",
      Connection: "keep-alive",
      "X-Accel-Buffering": "no",
    },
  });
}

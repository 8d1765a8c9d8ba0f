// Reads POST /api/invoke as server-sent events.
export interface SseEvent {
  id?: string;
  event: string;
  data: any;
}

export interface SseStream {
  status: number;
  events: SseEvent[];
  /** Every raw line, comments included. */
  raw: string;
  /** Set when the connection broke before the stream ended. */
  error?: Error;
  /** Resolves when the stream has ended. */
  finished: Promise<void>;
  /** Resolves once an event matching the predicate arrived. */
  waitFor(predicate: (event: SseEvent) => boolean, timeoutMs?: number): Promise<SseEvent>;
  /** Drops the connection (the turn must go on). */
  disconnect(): void;
}

export async function openInvokeStream(baseUrl: string, body: unknown): Promise<SseStream> {
  const controller = new AbortController();
  const response = await fetch(`${baseUrl}/api/invoke`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    signal: controller.signal,
  });
  const events: SseEvent[] = [];
  const wakers = new Set<() => void>();
  const stream: SseStream = {
    status: response.status,
    events,
    raw: "",
    finished: Promise.resolve(),
    disconnect: () => controller.abort(),
    waitFor(predicate, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`SSE event not seen; got ${JSON.stringify(events).slice(0, 1500)}`)), timeoutMs);
        const check = () => {
          const found = events.find(predicate);
          if (found) {
            clearTimeout(timer);
            wakers.delete(check);
            resolve(found);
          }
        };
        wakers.add(check);
        check();
      });
    },
  };
  if (!response.ok || !response.body) {
    stream.raw = await response.text();
    return stream;
  }
  const decoder = new TextDecoder();
  stream.finished = (async () => {
    let pending = "";
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        const text = decoder.decode(chunk, { stream: true });
        stream.raw += text;
        pending += text;
        let boundary: number;
        while ((boundary = pending.indexOf("\n\n")) >= 0) {
          const block = pending.slice(0, boundary);
          pending = pending.slice(boundary + 2);
          const event = parseBlock(block);
          if (event) {
            events.push(event);
            for (const wake of wakers) wake();
          }
        }
      }
    } catch (err) {
      // The connection ended early (disconnect() or the server went away): keep what arrived.
      stream.error = err as Error;
    }
  })();
  return stream;
}

function parseBlock(block: string): SseEvent | null {
  const fields: Record<string, string> = {};
  for (const line of block.split("\n")) {
    if (!line || line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    fields[line.slice(0, colon)] = line.slice(colon + 1).trimStart();
  }
  if (!fields.data) return null;
  return { id: fields.id, event: fields.event ?? "message", data: JSON.parse(fields.data) };
}

// WebSocket subscribers in their own process (forked by bench/run.ts), so receiving
// thousands of frames neither runs on the server's core budget nor delays the driver's SSE
// timings. For every token frame it records arrival minus the fake's stamp (µs).
//
// Parent -> worker: {type:"open", wsUrl, topics}   one socket per entry (repeat a topic to fan out)
//                   {type:"collect", turns, timeoutMs}  wait until each socket saw `turns` more
//                                                       done/error events, then report
//                   {type:"close"}
// Worker -> parent: {type:"opened"} · {type:"collected", ...} · {type:"closed"} · {type:"failed", message}
import WebSocket from "ws";
import { monotonicMicros } from "@/bench/clock";
import { stampOf } from "@/bench/stream-client";

type Command =
  | { type: "open"; wsUrl: string; topics: string[] }
  | { type: "collect"; turns: number; timeoutMs: number }
  | { type: "close" };

export interface Collected {
  type: "collected";
  sockets: number;
  tokens: number;
  /** Sockets that did not see all their turns end before the timeout. */
  incomplete: number;
  delaysUs: number[];
}

interface Subscriber {
  socket: WebSocket;
  ended: number;
}

const TOKEN_PREFIX = '{"type":"token"';
const STAMP_FIELD = '"text":" ';
/** Sockets opened at once: keeps the server's accept backlog short. */
const OPEN_BATCH = 100;

let subscribers: Subscriber[] = [];
let tokens = 0;
let delaysUs: number[] = [];
let onEnded: (() => void) | undefined;

function send(message: unknown) {
  process.send!(message);
}

function openSubscriber(wsUrl: string, topic: string): Promise<Subscriber> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(wsUrl, { perMessageDeflate: false });
    const subscriber: Subscriber = { socket, ended: 0 };
    socket.on("message", (data: Buffer) => {
      const arrivedUs = monotonicMicros();
      const text = data.toString("utf8");
      if (text.startsWith(TOKEN_PREFIX)) {
        tokens++;
        delaysUs.push(arrivedUs - stampOf(text, STAMP_FIELD));
      } else if (text.startsWith('{"type":"done"') || text.startsWith('{"type":"error"')) {
        subscriber.ended++;
        onEnded?.();
      } else if (text.startsWith('{"type":"subscribed"')) {
        resolve(subscriber);
      }
    });
    socket.once("open", () => socket.send(JSON.stringify({ type: "subscribe", topic })));
    socket.once("error", reject);
  });
}

async function open(wsUrl: string, topics: string[]) {
  for (let i = 0; i < topics.length; i += OPEN_BATCH) {
    subscribers.push(...(await Promise.all(topics.slice(i, i + OPEN_BATCH).map((topic) => openSubscriber(wsUrl, topic)))));
  }
}

function collect(turns: number, timeoutMs: number): Promise<Collected> {
  const target = new Map(subscribers.map((s) => [s, s.ended + turns]));
  return new Promise((resolve) => {
    const finish = () => {
      clearTimeout(timer);
      onEnded = undefined;
      const result: Collected = {
        type: "collected",
        sockets: subscribers.length,
        tokens,
        incomplete: subscribers.filter((s) => s.ended < target.get(s)!).length,
        delaysUs,
      };
      tokens = 0;
      delaysUs = [];
      resolve(result);
    };
    const timer = setTimeout(finish, timeoutMs);
    onEnded = () => {
      if (subscribers.every((s) => s.ended >= target.get(s)!)) finish();
    };
    onEnded();
  });
}

async function close() {
  await Promise.all(
    subscribers.map(
      ({ socket }) =>
        new Promise<void>((resolve) => {
          if (socket.readyState === WebSocket.CLOSED) return resolve();
          socket.once("close", () => resolve());
          socket.close();
        }),
    ),
  );
  subscribers = [];
}

process.on("message", async (command: Command) => {
  try {
    if (command.type === "open") {
      await open(command.wsUrl, command.topics);
      send({ type: "opened" });
    } else if (command.type === "collect") {
      send(await collect(command.turns, command.timeoutMs));
    } else if (command.type === "close") {
      await close();
      send({ type: "closed" });
    }
  } catch (err) {
    send({ type: "failed", message: err instanceof Error ? err.message : String(err) });
  }
});

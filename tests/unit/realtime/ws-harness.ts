// A real node:http server wired to a RealtimeHub, and WebSocket clients that record what
// they receive, for the hub's tests.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocket, type ClientOptions } from "ws";
import { RealtimeHub, type HubOptions, type InvocationMeta } from "@/lib/realtime/hub";
import type { InvocationEvent } from "@/lib/realtime/events";

/** A parsed server message; tests read its fields freely. */
export type Received = Record<string, any>;

export interface HubHarness {
  hub: RealtimeHub;
  url: string;
  connect(options?: ClientOptions): Promise<TestClient>;
  stop(): Promise<void>;
}

export async function startHub(options: HubOptions = {}): Promise<HubHarness> {
  const hub = new RealtimeHub(options);
  const server = http.createServer((_request, response) => response.writeHead(404).end());
  server.on("upgrade", (request, socket, head) => hub.handleUpgrade(request, socket, head));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const url = `ws://127.0.0.1:${port}/ws`;
  const clients: TestClient[] = [];
  return {
    hub,
    url,
    async connect(clientOptions) {
      const client = await TestClient.open(url, clientOptions);
      clients.push(client);
      return client;
    },
    async stop() {
      for (const client of clients) client.socket.terminate();
      await hub.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export class TestClient {
  /** Every text frame, as received and parsed. */
  readonly frames: string[] = [];
  readonly messages: Received[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private cursor = 0;
  private wake?: () => void;

  private constructor(readonly socket: WebSocket) {
    socket.on("message", (data) => {
      const text = (data as Buffer).toString("utf8");
      this.frames.push(text);
      this.messages.push(JSON.parse(text) as Received);
      this.wake?.();
    });
    this.closed = new Promise((resolve) =>
      socket.on("close", (code, reason) => {
        resolve({ code, reason: reason.toString() });
        this.wake?.();
      }),
    );
  }

  static async open(url: string, options?: ClientOptions): Promise<TestClient> {
    const client = new TestClient(new WebSocket(url, options));
    await client.next((message) => message.type === "connected");
    return client;
  }

  send(message: unknown): void {
    this.socket.send(typeof message === "string" ? message : JSON.stringify(message));
  }

  /** The next message (after those already taken) that matches; earlier ones are skipped. */
  async next(matches: (message: Received) => boolean = () => true, timeoutMs = 3_000): Promise<Received> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.cursor < this.messages.length) {
        const message = this.messages[this.cursor++];
        if (matches(message)) return message;
      }
      if (this.socket.readyState === WebSocket.CLOSED) throw new Error("socket closed while waiting");
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out; received ${JSON.stringify(this.messages.slice(-5))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /** Sends a ping and waits for its pong: everything the server sent before is then here. */
  async sync(): Promise<void> {
    this.send({ type: "ping" });
    await this.next((message) => message.type === "pong");
  }

  /** Invocation events received so far (any type with a seq), optionally of one invocation. */
  events(invocationId?: string): InvocationEvent[] {
    return this.messages.filter(
      (message) => typeof message.seq === "number" && (!invocationId || message.invocationId === invocationId),
    ) as InvocationEvent[];
  }

  async subscribe(topic: string, extra: { afterSeq?: number; invocationId?: string } = {}): Promise<void> {
    this.send({ type: "subscribe", topic, ...extra });
    await this.next((message) => message.type === "subscribed" && message.topic === topic);
  }
}

let counter = 0;

/** Fresh ids per test so conversations and invocations never collide. */
export function newMeta(overrides: Partial<InvocationMeta> = {}): InvocationMeta {
  counter += 1;
  return {
    invocationId: `inv${counter}`,
    conversationId: `conv${counter}`,
    agentId: `agent${counter}`,
    messageId: `msg${counter}`,
    ...overrides,
  };
}

export function seqs(events: { seq: number }[]): number[] {
  return events.map((event) => event.seq);
}

export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

export function tokenText(events: InvocationEvent[]): string {
  return events.map((event) => (event.type === "token" ? event.text : "")).join("");
}

// One WebSocket per tab to the hub (/ws): subscriptions that survive reconnects (resuming
// each conversation with afterSeq), `invoke` with request ids, `cancel`, a ping watchdog,
// and reconnect with exponential backoff.
import { backoffDelay } from "@/lib/client/backoff";
import { ApiError } from "@/lib/client/api";
import type { InvocationEvent, ServerMessage } from "@/lib/client/types";

export type ConnectionStatus = "connecting" | "open" | "reconnecting";

export interface ConnectionState {
  status: ConnectionStatus;
  /** Failed attempts in a row. */
  attempt: number;
  /** When the next attempt starts (epoch ms), while reconnecting. */
  retryAt?: number;
}

export interface ResumePoint {
  afterSeq?: number;
  invocationId?: string;
}

export interface RealtimeHandlers {
  onEvent(event: InvocationEvent): void;
  onState(state: ConnectionState): void;
  /** The socket is open again after a drop: refresh whatever may have been missed. */
  onReconnected(): void;
  /** Where a topic's stream should resume when (re)subscribing. */
  resumePoint(topic: string): ResumePoint | undefined;
}

export interface Accepted {
  invocationId: string;
  conversationId: string;
}

const PING_EVERY_MS = 25_000;
const PONG_WITHIN_MS = 10_000;
const INVOKE_TIMEOUT_MS = 15_000;
const EVENT_TYPES = new Set(["start", "token", "thought", "tool.call", "tool.result", "done", "error", "snapshot"]);

interface PendingInvoke {
  resolve(accepted: Accepted): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

export class RealtimeClient {
  private socket?: WebSocket;
  private readonly topics = new Set<string>();
  private readonly pending = new Map<string, PendingInvoke>();
  private openWaiters: (() => void)[] = [];
  private attempt = 0;
  private everOpened = false;
  private retryTimer?: ReturnType<typeof setTimeout>;
  private pingTimer?: ReturnType<typeof setInterval>;
  private pongTimer?: ReturnType<typeof setTimeout>;
  private requestCounter = 0;
  private closed = true;

  constructor(
    private readonly url: string,
    private readonly handlers: RealtimeHandlers,
  ) {}

  start(): void {
    if (!this.closed && this.socket) return;
    this.closed = false;
    window.addEventListener("online", this.reconnectNow);
    document.addEventListener("visibilitychange", this.onVisibility);
    this.open();
  }

  stop(): void {
    this.closed = true;
    window.removeEventListener("online", this.reconnectNow);
    document.removeEventListener("visibilitychange", this.onVisibility);
    clearTimeout(this.retryTimer);
    this.stopHeartbeat();
    const socket = this.socket;
    this.socket = undefined;
    socket?.close(1000, "page closed");
  }

  get isOpen(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  subscribe(topic: string): void {
    this.topics.add(topic);
    if (this.isOpen) this.sendSubscribe(topic);
  }

  /** Subscribe again with a given resume point (to fill a gap in a stream). */
  resync(topic: string, resume: ResumePoint): void {
    this.topics.add(topic);
    if (this.isOpen) this.send({ type: "subscribe", topic, ...resume });
  }

  unsubscribe(topic: string): void {
    if (!this.topics.delete(topic)) return;
    if (this.isOpen) this.send({ type: "unsubscribe", topic });
  }

  /** Starts a turn; resolves when the server accepted it (this socket then follows the conversation). */
  async invoke(input: { agentId: string; message: string; conversationId?: string }): Promise<Accepted> {
    await this.whenOpen(INVOKE_TIMEOUT_MS);
    const requestId = `r${Date.now().toString(36)}-${++this.requestCounter}`;
    return new Promise<Accepted>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        reject(new ApiError("timeout", "The server did not confirm the message in time: check the conversation, then retry.", 0));
      }, INVOKE_TIMEOUT_MS);
      this.pending.set(requestId, {
        resolve: (accepted) => {
          if (input.conversationId === undefined) this.topics.add(`conversation:${accepted.conversationId}`);
          resolve(accepted);
        },
        reject,
        timer,
      });
      this.send({ type: "invoke", requestId, ...input });
    });
  }

  /** False when the socket is not open (the caller can use HTTP instead). */
  cancel(invocationId: string): boolean {
    if (!this.isOpen) return false;
    this.send({ type: "cancel", invocationId });
    return true;
  }

  private whenOpen(timeoutMs: number): Promise<void> {
    if (this.isOpen) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.openWaiters = this.openWaiters.filter((waiter) => waiter !== done);
        reject(new ApiError("offline", "Not connected to the server: check that it is running, then retry.", 0));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      this.openWaiters.push(done);
      this.reconnectNow();
    });
  }

  private readonly reconnectNow = () => {
    if (this.closed || this.socket?.readyState === WebSocket.OPEN || this.socket?.readyState === WebSocket.CONNECTING) return;
    clearTimeout(this.retryTimer);
    this.open();
  };

  private readonly onVisibility = () => {
    if (document.visibilityState === "visible") this.reconnectNow();
  };

  private open(): void {
    this.handlers.onState({ status: this.everOpened ? "reconnecting" : "connecting", attempt: this.attempt });
    let socket: WebSocket;
    try {
      socket = new WebSocket(this.url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.onmessage = (message) => {
      if (this.socket !== socket) return;
      this.onPong();
      let data: ServerMessage;
      try {
        data = JSON.parse(String(message.data)) as ServerMessage;
      } catch {
        return;
      }
      this.dispatch(data);
    };
    socket.onclose = () => this.handleClosed(socket);
  }

  private handleClosed(socket: WebSocket): void {
    if (this.socket !== socket) return;
    this.socket = undefined;
    this.stopHeartbeat();
    const lost = new ApiError("connection_lost", "The connection dropped before the server confirmed the message: check the conversation, then retry.", 0);
    for (const [requestId, waiting] of this.pending) {
      clearTimeout(waiting.timer);
      waiting.reject(lost);
      this.pending.delete(requestId);
    }
    if (!this.closed) this.scheduleReconnect();
  }

  private dispatch(message: ServerMessage): void {
    switch (message.type) {
      case "connected": {
        const reconnected = this.everOpened;
        this.everOpened = true;
        this.attempt = 0;
        this.handlers.onState({ status: "open", attempt: 0 });
        this.startHeartbeat();
        for (const topic of this.topics) this.sendSubscribe(topic);
        for (const waiter of this.openWaiters.splice(0)) waiter();
        if (reconnected) this.handlers.onReconnected();
        return;
      }
      case "accepted":
        return this.settle(message.requestId, (waiting) =>
          waiting.resolve({ invocationId: message.invocationId, conversationId: message.conversationId }),
        );
      default:
        // An invocation's `error` event carries a seq; the hub's own `error` answers a request.
        if ("seq" in message && EVENT_TYPES.has(message.type)) return this.handlers.onEvent(message);
        if (message.type === "error" && !("seq" in message)) {
          const { code, message: text, requestId } = message;
          this.settle(requestId, (waiting) => waiting.reject(new ApiError(code, text, 0)));
        }
    }
  }

  private settle(requestId: string | undefined, outcome: (waiting: PendingInvoke) => void): void {
    const waiting = requestId ? this.pending.get(requestId) : undefined;
    if (!waiting || !requestId) return;
    this.pending.delete(requestId);
    clearTimeout(waiting.timer);
    outcome(waiting);
  }

  private sendSubscribe(topic: string): void {
    this.send({ type: "subscribe", topic, ...this.handlers.resumePoint(topic) });
  }

  private send(message: Record<string, unknown>): void {
    this.socket?.send(JSON.stringify(message));
  }

  private scheduleReconnect(): void {
    const delay = backoffDelay(this.attempt);
    this.attempt += 1;
    this.handlers.onState({ status: "reconnecting", attempt: this.attempt, retryAt: Date.now() + delay });
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.open(), delay);
  }

  // A socket can die without a close event (sleep, network change): ping, and give up on it
  // when nothing at all comes back in time.
  private startHeartbeat(): void {
    this.stopHeartbeat();
    this.pingTimer = setInterval(() => {
      if (!this.isOpen) return;
      this.send({ type: "ping" });
      clearTimeout(this.pongTimer);
      const socket = this.socket;
      this.pongTimer = setTimeout(() => {
        // Do not wait for a closing handshake a dead peer will never answer.
        if (!socket) return;
        socket.close(4000, "no pong");
        this.handleClosed(socket);
      }, PONG_WITHIN_MS);
    }, PING_EVERY_MS);
  }

  private onPong(): void {
    clearTimeout(this.pongTimer);
  }

  private stopHeartbeat(): void {
    clearInterval(this.pingTimer);
    clearTimeout(this.pongTimer);
  }
}

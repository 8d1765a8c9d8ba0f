// The realtime hub: invocations publish numbered events here; WebSocket clients and SSE
// followers receive them. It holds a bounded replay buffer per invocation so a client that
// reconnects resumes without gaps or duplicates. It knows nothing of Prisma or providers:
// `invoke` and `cancel` arrive as HubCommands from the invocation service.
import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocket, WebSocketServer, type RawData } from "ws";
import type { EventPayload, InvocationEvent } from "@/lib/realtime/events";
import { logger } from "@/lib/logger";
import {
  CLOSE_CODES,
  parseClientMessage,
  type ClientMessage,
  type ServerMessage,
  type Topic,
} from "@/lib/realtime/protocol";
import { ReplayBuffer, type BufferedEvent } from "@/lib/realtime/replay-buffer";
import { rawSocketOf, textFrame } from "@/lib/realtime/ws-frame";

export interface InvocationMeta {
  invocationId: string;
  conversationId: string;
  agentId: string;
  messageId: string;
}

export interface InvocationChannel {
  readonly meta: InvocationMeta;
  /**
   * Assigns the next seq (1, 2, 3 … no gaps), serializes the event once, appends it to the
   * replay buffer and publishes it on conversation:<id>, agent:<id>, all and to followers.
   */
  emit(payload: EventPayload): InvocationEvent;
  /** Marks the invocation finished (after its done/error event); its buffer stays for late resumes, then goes. */
  end(): void;
}

export interface HubCommands {
  /** Resolves once the turn is accepted; rejects with an error carrying `code` and `message`. */
  invoke(input: { agentId: string; message: string; conversationId?: string }): Promise<{
    invocationId: string;
    conversationId: string;
  }>;
  /** True when a running invocation was cancelled. */
  cancel(invocationId: string): boolean;
}

export interface HubOptions {
  /** Largest client frame in bytes; a bigger one closes the socket with 1009. */
  maxPayload?: number;
  /** Ping interval; a peer that has not answered the previous ping is terminated. */
  heartbeatMs?: number;
  /** Replay buffer bounds per invocation. */
  replayMaxEvents?: number;
  replayMaxBytes?: number;
  /** How long a finished invocation stays resumable. */
  replayRetentionMs?: number;
  /** Bound on all replay buffers together; the oldest finished invocations go first. */
  replayTotalMaxBytes?: number;
  /** Unsent bytes a socket may queue before it is closed with 1013 (see `isSlowConsumer`). */
  slowConsumerBytes?: number;
  /** How far replays may push a socket's backlog past `slowConsumerBytes`. */
  replayGraceBytes?: number;
  maxSubscriptionsPerSocket?: number;
  /** How long close() waits for peers to answer the close frame before terminating them. */
  closeTimeoutMs?: number;
}

export interface HubStats {
  connections: number;
  subscriptions: number;
  bufferedInvocations: number;
  bufferedBytes: number;
}

type FollowListener = (event: InvocationEvent, json: string) => void;

const DEFAULT_OPTIONS: Required<HubOptions> = {
  maxPayload: 64 * 1024,
  heartbeatMs: 30_000,
  replayMaxEvents: 2_000,
  replayMaxBytes: 256 * 1024,
  replayRetentionMs: 60_000,
  replayTotalMaxBytes: 64 * 1024 * 1024,
  slowConsumerBytes: 512 * 1024,
  replayGraceBytes: 4 * 1024 * 1024,
  maxSubscriptionsPerSocket: 100,
  closeTimeoutMs: 2_000,
};

const INTERNAL_MESSAGE = "Something went wrong on the server. The details are in the server log.";
const TEXT_FRAME = { binary: false } as const;

interface Connection {
  readonly id: string;
  readonly socket: WebSocket;
  /** ws's TCP socket, where pre-built event frames are written (ws-frame.ts). */
  readonly raw: Duplex | undefined;
  readonly topics: Set<Topic>;
  /** Answered the last heartbeat ping (or sent anything since). */
  alive: boolean;
  /** Replay bytes this socket may have queued on top of the slow-consumer limit. */
  replayGrace: number;
  /** Closed or being closed: nothing more is sent. */
  detached: boolean;
}

interface InvocationState {
  readonly meta: InvocationMeta;
  readonly topics: readonly Topic[];
  readonly buffer: ReplayBuffer;
  readonly followers: Set<FollowListener>;
  /** Highest seq each socket was sent, so several topics and replays never repeat an event. */
  readonly delivered: Map<Connection, number>;
  seq: number;
  ended: boolean;
  expiry?: NodeJS.Timeout;
}

export class RealtimeHub {
  private readonly options: Required<HubOptions>;
  private readonly server: WebSocketServer;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly connections = new Set<Connection>();
  private readonly subscribers = new Map<Topic, Set<Connection>>();
  private readonly invocations = new Map<string, InvocationState>();
  /** The newest invocation of each conversation, running or recently finished. */
  private readonly latestByConversation = new Map<string, InvocationState>();
  /** Finished invocations in the order they ended: the first to go when memory is short. */
  private readonly finished = new Set<InvocationState>();
  private bufferedBytes = 0;
  private commands?: HubCommands;
  private closed = false;

  constructor(options: HubOptions = {}) {
    const given = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
    this.options = { ...DEFAULT_OPTIONS, ...given };
    this.server = new WebSocketServer({
      noServer: true,
      maxPayload: this.options.maxPayload,
      perMessageDeflate: false,
      clientTracking: false,
    });
    this.heartbeat = setInterval(() => this.checkHeartbeats(), this.options.heartbeatMs);
    this.heartbeat.unref();
  }

  setCommands(commands: HubCommands): void {
    this.commands = commands;
  }

  openInvocation(meta: InvocationMeta): InvocationChannel {
    if (this.invocations.has(meta.invocationId)) throw new Error(`invocation ${meta.invocationId} is already open`);
    const state: InvocationState = {
      meta: { ...meta },
      topics: [`conversation:${meta.conversationId}`, `agent:${meta.agentId}`, "all"],
      buffer: new ReplayBuffer({ maxEvents: this.options.replayMaxEvents, maxBytes: this.options.replayMaxBytes }),
      followers: new Set(),
      delivered: new Map(),
      seq: 0,
      ended: false,
    };
    this.invocations.set(meta.invocationId, state);
    this.latestByConversation.set(meta.conversationId, state);
    return {
      meta: state.meta,
      emit: (payload) => this.emit(state, payload),
      end: () => this.end(state),
    };
  }

  /**
   * Replays buffered events with seq > afterSeq (a snapshot first when some are gone), then
   * follows live. Buffered events reach the listener before this returns. Unknown or expired
   * invocations call nothing.
   */
  follow(invocationId: string, afterSeq: number, listener: FollowListener): () => void {
    const state = this.invocations.get(invocationId);
    if (!state) return () => {};
    let from = afterSeq;
    if (from < state.buffer.evictedUpToSeq) {
      const snapshot = this.snapshotOf(state);
      listener(snapshot, JSON.stringify(snapshot));
      from = snapshot.seq;
    }
    state.buffer.forEachAfter(from, (entry) => listener(entry.event, entry.frame.toString("utf8")));
    if (state.ended) return () => {};
    state.followers.add(listener);
    return () => state.followers.delete(listener);
  }

  activeInvocation(conversationId: string): InvocationMeta | undefined {
    const state = this.latestByConversation.get(conversationId);
    return state && !state.ended ? state.meta : undefined;
  }

  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (this.closed) {
      socket.end("HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\n");
      return;
    }
    this.server.handleUpgrade(request, socket, head, (ws) => this.accept(ws));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    const open = [...this.connections];
    const allClosed = Promise.all(
      open.map(
        (connection) =>
          new Promise<void>((resolve) => {
            connection.socket.once("close", () => resolve());
            this.detach(connection);
            connection.socket.close(CLOSE_CODES.goingAway, "server shutting down");
          }),
      ),
    );
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.options.closeTimeoutMs);
    });
    await Promise.race([allClosed, timedOut]);
    clearTimeout(timer);
    for (const connection of open) connection.socket.terminate();
    for (const state of this.invocations.values()) clearTimeout(state.expiry);
    this.server.close();
  }

  stats(): HubStats {
    let subscriptions = 0;
    for (const connection of this.connections) subscriptions += connection.topics.size;
    return {
      connections: this.connections.size,
      subscriptions,
      bufferedInvocations: this.invocations.size,
      bufferedBytes: this.bufferedBytes,
    };
  }

  // --- publishing ---------------------------------------------------------------------

  private emit(state: InvocationState, payload: EventPayload): InvocationEvent {
    const { meta } = state;
    if (state.ended) throw new Error(`invocation ${meta.invocationId} has ended; cannot emit "${payload.type}"`);
    state.seq += 1;
    // Base fields first (after `type`) so the JSON reads the way API.md writes it.
    const event = Object.assign(
      {
        type: payload.type,
        invocationId: meta.invocationId,
        conversationId: meta.conversationId,
        agentId: meta.agentId,
        messageId: meta.messageId,
        seq: state.seq,
      },
      payload,
    ) as InvocationEvent;
    const json = JSON.stringify(event);
    // One serialization and one WebSocket frame per event: every socket is handed the same
    // bytes, not a string that would be encoded and framed again for each subscriber.
    const framed = textFrame(json);
    const entry: BufferedEvent = { event, frame: framed.payload, wire: framed.wire };

    const bytesBefore = state.buffer.bytes;
    state.buffer.append(entry);
    this.bufferedBytes += state.buffer.bytes - bytesBefore;

    for (const topic of state.topics) {
      const subscribers = this.subscribers.get(topic);
      if (!subscribers) continue;
      for (const connection of subscribers) {
        if ((state.delivered.get(connection) ?? 0) >= event.seq) continue;
        state.delivered.set(connection, event.seq);
        this.sendFrame(connection, entry.frame, entry.wire);
      }
    }
    for (const listener of state.followers) {
      try {
        listener(event, json);
      } catch (err) {
        logger.error(`realtime follower of ${meta.invocationId} failed`, err);
      }
    }
    if (this.bufferedBytes > this.options.replayTotalMaxBytes) this.shedFinishedBuffers();
    return event;
  }

  private end(state: InvocationState): void {
    if (state.ended) return;
    state.ended = true;
    state.followers.clear();
    this.finished.add(state);
    state.expiry = setTimeout(() => this.drop(state), this.options.replayRetentionMs);
    state.expiry.unref();
    if (this.bufferedBytes > this.options.replayTotalMaxBytes) this.shedFinishedBuffers();
  }

  private drop(state: InvocationState): void {
    clearTimeout(state.expiry);
    this.invocations.delete(state.meta.invocationId);
    this.finished.delete(state);
    if (this.latestByConversation.get(state.meta.conversationId) === state) {
      this.latestByConversation.delete(state.meta.conversationId);
    }
    this.bufferedBytes -= state.buffer.bytes;
    state.delivered.clear();
  }

  /** Running invocations are bounded by their own buffers; finished ones are let go early. */
  private shedFinishedBuffers(): void {
    for (const state of this.finished) {
      if (this.bufferedBytes <= this.options.replayTotalMaxBytes) return;
      this.drop(state);
    }
  }

  private snapshotOf(state: InvocationState): InvocationEvent {
    const { meta, buffer } = state;
    const upToSeq = buffer.evictedUpToSeq;
    return {
      type: "snapshot",
      invocationId: meta.invocationId,
      conversationId: meta.conversationId,
      agentId: meta.agentId,
      messageId: meta.messageId,
      seq: upToSeq,
      ...buffer.snapshotText(),
      upToSeq,
    };
  }

  /** Sends this socket the events of `state` after `afterSeq`, with a snapshot first when some are gone. */
  private replay(connection: Connection, state: InvocationState, afterSeq: number): void {
    if (this.isSlowConsumer(connection)) return this.closeSlowConsumer(connection);
    let from = afterSeq;
    let bytes = 0;
    if (from < state.buffer.evictedUpToSeq) {
      const snapshot = this.snapshotOf(state);
      const frame = Buffer.from(JSON.stringify(snapshot));
      bytes += frame.length;
      this.sendFrame(connection, frame, undefined, true);
      from = snapshot.seq;
    }
    state.buffer.forEachAfter(from, (entry) => {
      bytes += entry.frame.length;
      this.sendFrame(connection, entry.frame, entry.wire, true);
    });
    connection.replayGrace = Math.min(connection.replayGrace + bytes, this.options.replayGraceBytes);
    if (state.seq > (state.delivered.get(connection) ?? 0)) state.delivered.set(connection, state.seq);
  }

  // --- sockets ------------------------------------------------------------------------

  private accept(socket: WebSocket): void {
    const connection: Connection = {
      id: randomUUID(),
      socket,
      raw: rawSocketOf(socket),
      topics: new Set(),
      alive: true,
      replayGrace: 0,
      detached: false,
    };
    this.connections.add(connection);
    socket.on("message", (data, isBinary) => this.onFrame(connection, data, isBinary));
    socket.on("pong", () => {
      connection.alive = true;
    });
    // ws closes the socket itself after a protocol error (1009 for an oversized frame).
    socket.on("error", (err) => logger.debug(`websocket ${connection.id}: ${err.message}`));
    socket.on("close", () => this.forget(connection));
    this.send(connection, { type: "connected", connectionId: connection.id });
  }

  private forget(connection: Connection): void {
    this.detach(connection);
    this.connections.delete(connection);
    for (const state of this.invocations.values()) state.delivered.delete(connection);
  }

  private detach(connection: Connection): void {
    connection.detached = true;
    for (const topic of connection.topics) this.removeSubscriber(topic, connection);
    connection.topics.clear();
  }

  private checkHeartbeats(): void {
    for (const connection of this.connections) {
      if (connection.socket.readyState !== WebSocket.OPEN) continue;
      if (!connection.alive) {
        logger.debug(`websocket ${connection.id}: no pong, terminating`);
        connection.socket.terminate();
        continue;
      }
      connection.alive = false;
      connection.socket.ping();
    }
  }

  /**
   * Slow consumers. Every frame of an invocation matters (a missing token corrupts the
   * answer), and coalescing would mean serializing per socket, so nothing is dropped or
   * merged. Instead a socket whose unsent backlog passes `slowConsumerBytes` is closed with
   * 1013 (try again later): memory per socket stays bounded, everyone else's stream is
   * untouched, and the client reconnects and resumes with `afterSeq` — with a compact
   * snapshot if it fell far behind. A replay is sent whole (it must precede live events),
   * so it may push the backlog past the limit by its own size, up to `replayGraceBytes`;
   * that allowance is forgotten once the backlog drains, so a resume cannot trip the limit
   * but a client that keeps asking for replays without reading still hits it.
   */
  private isSlowConsumer(connection: Connection): boolean {
    const backlog = connection.socket.bufferedAmount;
    if (backlog <= this.options.slowConsumerBytes) {
      connection.replayGrace = 0;
      return false;
    }
    return backlog > this.options.slowConsumerBytes + connection.replayGrace;
  }

  private closeSlowConsumer(connection: Connection): void {
    logger.warn(`websocket ${connection.id}: ${connection.socket.bufferedAmount} bytes unsent, closing as a slow consumer`);
    this.detach(connection);
    connection.socket.close(CLOSE_CODES.tryAgainLater, "slow consumer: reconnect and resume with afterSeq");
  }

  /** False when nothing may go to this socket (closing, or just closed as a slow consumer). */
  private canSend(connection: Connection, isReplay: boolean): boolean {
    if (connection.detached || connection.socket.readyState !== WebSocket.OPEN) return false;
    // Replay frames skip the backlog check: `replay` checked once for all of them.
    if (!isReplay && this.isSlowConsumer(connection)) {
      this.closeSlowConsumer(connection);
      return false;
    }
    return true;
  }

  private send(connection: Connection, message: ServerMessage): void {
    if (this.canSend(connection, false)) connection.socket.send(JSON.stringify(message));
  }

  /** An event already serialized: its pre-built frame goes straight to the TCP socket when there is one. */
  private sendFrame(connection: Connection, payload: Buffer, wire: Buffer | undefined, isReplay = false): void {
    if (!this.canSend(connection, isReplay)) return;
    if (wire && connection.raw) connection.raw.write(wire);
    else connection.socket.send(payload, TEXT_FRAME);
  }

  private sendError(connection: Connection, code: string, message: string, requestId?: string): void {
    this.send(connection, { type: "error", code, message, ...(requestId !== undefined ? { requestId } : {}) });
  }

  private onFrame(connection: Connection, data: RawData, isBinary: boolean): void {
    connection.alive = true;
    if (connection.detached) return;
    if (isBinary) return this.sendError(connection, "invalid_message", "Send JSON text frames, not binary ones.");
    // binaryType is the default "nodebuffer", so a text frame arrives as one Buffer.
    const parsed = parseClientMessage((data as Buffer).toString("utf8"));
    if (!parsed.ok) return this.sendError(connection, "invalid_message", parsed.message, parsed.requestId);
    this.handleMessage(connection, parsed.message);
  }

  private handleMessage(connection: Connection, message: ClientMessage): void {
    switch (message.type) {
      case "ping":
        return this.send(connection, { type: "pong" });
      case "subscribe":
        return this.subscribe(connection, message.topic, message.afterSeq, message.invocationId);
      case "unsubscribe":
        this.removeSubscriber(message.topic, connection);
        connection.topics.delete(message.topic);
        return this.send(connection, { type: "unsubscribed", topic: message.topic });
      case "invoke":
        return void this.invoke(connection, message).catch((err: unknown) => {
          logger.error(`websocket ${connection.id}: invoke failed`, err);
        });
      case "cancel":
        return this.cancel(connection, message.invocationId);
    }
  }

  private subscribe(connection: Connection, topic: Topic, afterSeq?: number, invocationId?: string): void {
    // Replay looks at what this socket already receives through its *other* topics, so it
    // is computed before this topic is added; re-subscribing to a topic replays again.
    const state =
      afterSeq !== undefined && topic.startsWith("conversation:")
        ? this.latestByConversation.get(topic.slice("conversation:".length))
        : undefined;
    const receivingLive = state?.topics.some((other) => other !== topic && connection.topics.has(other)) ?? false;
    if (!this.addSubscription(connection, topic)) return;
    this.send(connection, { type: "subscribed", topic });
    if (!state || afterSeq === undefined) return;
    let from = invocationId !== undefined && invocationId !== state.meta.invocationId ? 0 : afterSeq;
    if (receivingLive) from = Math.max(from, state.delivered.get(connection) ?? 0);
    this.replay(connection, state, from);
  }

  /** False (and an error sent) when the socket is at its subscription limit. */
  private addSubscription(connection: Connection, topic: Topic): boolean {
    if (connection.topics.has(topic)) return true;
    if (!this.hasRoomFor(connection, topic)) {
      this.sendError(
        connection,
        "subscription_limit",
        `A connection may hold at most ${this.options.maxSubscriptionsPerSocket} subscriptions; unsubscribe from one first.`,
      );
      return false;
    }
    connection.topics.add(topic);
    let set = this.subscribers.get(topic);
    if (!set) this.subscribers.set(topic, (set = new Set()));
    set.add(connection);
    return true;
  }

  private hasRoomFor(connection: Connection, topic?: Topic): boolean {
    return (
      (topic !== undefined && connection.topics.has(topic)) ||
      connection.topics.size < this.options.maxSubscriptionsPerSocket
    );
  }

  private removeSubscriber(topic: Topic, connection: Connection): void {
    const set = this.subscribers.get(topic);
    if (!set) return;
    set.delete(connection);
    if (set.size === 0) this.subscribers.delete(topic);
  }

  private async invoke(connection: Connection, message: Extract<ClientMessage, { type: "invoke" }>): Promise<void> {
    const { requestId } = message;
    if (!this.commands) {
      return this.sendError(connection, "internal", "This server does not take invocations over WebSocket.", requestId);
    }
    // Refuse before starting a turn whose events this socket could not receive.
    const knownTopic = message.conversationId ? (`conversation:${message.conversationId}` as Topic) : undefined;
    if (!this.hasRoomFor(connection, knownTopic)) {
      return this.sendError(
        connection,
        "subscription_limit",
        `A connection may hold at most ${this.options.maxSubscriptionsPerSocket} subscriptions; unsubscribe from one before invoking.`,
        requestId,
      );
    }
    let accepted: { invocationId: string; conversationId: string };
    try {
      accepted = await this.commands.invoke({
        agentId: message.agentId,
        message: message.message,
        ...(message.conversationId !== undefined ? { conversationId: message.conversationId } : {}),
      });
    } catch (err) {
      const { code, message: text } = describeError(err);
      return this.sendError(connection, code, text, requestId);
    }
    if (connection.detached) return;
    this.send(connection, {
      type: "accepted",
      ...(requestId !== undefined ? { requestId } : {}),
      invocationId: accepted.invocationId,
      conversationId: accepted.conversationId,
    });
    const topic: Topic = `conversation:${accepted.conversationId}`;
    const isNew = !connection.topics.has(topic);
    if (!this.addSubscription(connection, topic)) return;
    if (isNew) this.send(connection, { type: "subscribed", topic });
    // From the first event: whatever was emitted before this point is replayed, and what
    // the socket already got through another topic is skipped.
    const state = this.invocations.get(accepted.invocationId);
    if (state) this.replay(connection, state, state.delivered.get(connection) ?? 0);
  }

  private cancel(connection: Connection, invocationId: string): void {
    if (!this.commands) {
      return this.sendError(connection, "internal", "This server does not take cancellations over WebSocket.");
    }
    let cancelled: boolean;
    try {
      cancelled = this.commands.cancel(invocationId);
    } catch (err) {
      const { code, message } = describeError(err);
      return this.sendError(connection, code, message);
    }
    if (cancelled) this.send(connection, { type: "cancelled", invocationId });
    else this.sendError(connection, "not_found", `No running invocation ${invocationId}.`);
  }
}

/** API error codes (API.md) are snake_case; Node's (ENOENT) and Prisma's (P2002) are not. */
const API_ERROR_CODE = /^[a-z][a-z_]*$/;

/** AppError-like errors keep their code and message; anything else is logged and answered generically. */
function describeError(err: unknown): { code: string; message: string } {
  if (typeof err === "object" && err !== null) {
    const { code, message } = err as { code?: unknown; message?: unknown };
    if (typeof code === "string" && API_ERROR_CODE.test(code) && code !== "internal" && typeof message === "string") {
      return { code, message };
    }
  }
  logger.error("websocket command failed", err);
  return { code: "internal", message: INTERNAL_MESSAGE };
}

const slot = globalThis as typeof globalThis & { __agentNexusHub?: RealtimeHub };

/**
 * The process-wide hub. server.ts and Next's route handlers load this module in separate
 * module graphs, so the instance lives on globalThis. The first caller's options win
 * (server.ts calls it before it accepts requests).
 */
export function getHub(options?: HubOptions): RealtimeHub {
  slot.__agentNexusHub ??= new RealtimeHub(options);
  return slot.__agentNexusHub;
}

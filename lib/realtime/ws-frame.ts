// One event, framed once, written to every socket. ws frames each `send` itself (options
// object, a header buffer, cork + two writes + uncork per socket); with 1,000 subscribers
// that is 1,000 times the same header for the same bytes. Server-to-client frames are not
// masked (RFC 6455 §5.1), so the whole frame is the same for every peer and can be built
// once per event and handed to each socket as is.
import type { Duplex } from "node:stream";
import type { WebSocket } from "ws";

export interface TextFrame {
  /** The complete WebSocket frame: header + payload. */
  wire: Buffer;
  /** The payload alone (a view into `wire`, no copy). */
  payload: Buffer;
}

/** A final, unmasked text frame around `text` (RFC 6455 §5.2). */
export function textFrame(text: string): TextFrame {
  const length = Buffer.byteLength(text);
  const headerLength = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const wire = Buffer.allocUnsafe(headerLength + length);
  wire[0] = 0x81; // FIN + opcode 1 (text)
  if (length < 126) {
    wire[1] = length;
  } else if (length < 65_536) {
    wire[1] = 126;
    wire.writeUInt16BE(length, 2);
  } else {
    wire[1] = 127;
    wire.writeBigUInt64BE(BigInt(length), 2);
  }
  wire.write(text, headerLength, "utf8");
  return { wire, payload: wire.subarray(headerLength) };
}

/**
 * The TCP socket under a ws connection, to write pre-built frames on. ws keeps it in
 * `_socket` (stable across ws 1–8, but not public API): when it is missing, callers fall
 * back to `send`. Writing there is safe only because ws never holds frames back in its own
 * queue on our connections — that happens only for permessage-deflate (off in the hub) and
 * Blob payloads (never sent) — so order with ws's own sends (control frames, replies) holds,
 * and `bufferedAmount` still counts these bytes (it reads the socket's write queue).
 */
export function rawSocketOf(socket: WebSocket): Duplex | undefined {
  const raw = (socket as unknown as { _socket?: Duplex })._socket;
  return raw && typeof raw.write === "function" ? raw : undefined;
}

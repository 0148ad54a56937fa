import { createServer, type Server, type Socket } from 'node:net';
import { buildError, encodeLine, MAX_APPLY_REQUEST_BYTES, MAX_REQUEST_BYTES, MAX_SUBSCRIBER_UNREAD_BYTES, maxLineBytesOf, type ControlReply } from './protocol.js';
import type { Logger } from '../daemon/logger.js';

/**
 * A request that turns its connection into a subscription: the first reply, then pushes until the client closes.
 * The connection takes no more requests (what the client sends after is ignored) and no request timeout cuts it.
 */
export interface ControlStream {
  reply: ControlReply;
  /** Starts pushing lines through `push`; returns what stops it (called once, when the connection ends). */
  open(push: (message: unknown) => void): () => void;
  /** The last line to a subscriber dropped for leaving too much unread. */
  tooSlow: ControlReply;
}

export type ControlAnswer = ControlReply | ControlStream;

export interface ControlServerOptions {
  maxClients: number;
  requestTimeoutMs: number;
  /** Turns one request line into its reply or a stream; must not throw (a throw is answered `internal`). */
  answer(line: string): Promise<ControlAnswer>;
  log: Logger;
  /** A subscriber is dropped once this much waits for it; MAX_SUBSCRIBER_UNREAD_BYTES unless a test says otherwise. */
  maxSubscriberUnreadBytes?: number;
}

function isControlStream(answer: ControlAnswer): answer is ControlStream {
  return typeof (answer as ControlStream).open === 'function';
}

export interface ControlServer {
  server: Server;
  clientCount(): number;
  /** Stops listening and drops every client. */
  close(): Promise<void>;
}

const NEWLINE = 0x0a;
// A client that asks and never reads its replies is dropped once this much waits for it.
const MAX_UNREAD_REPLY_BYTES = 4 * 1024 * 1024;
// A refused or finished client that does not hang up is cut off after this.
const LINGER_MS = 1_000;
// A subscriber dropped for being slow gets this long to read what was queued for it, the final error line included.
const DROPPED_LINGER_MS = 10_000;

/** The control socket's connections: framing, limits and timeouts. What a request means is `answer`'s business. */
export function createControlServer(options: ControlServerOptions): ControlServer {
  const clients = new Set<Socket>();
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    if (clients.size >= options.maxClients) {
      refuse(socket, buildError(null, 'too-many-clients', `${options.maxClients} clients are connected already; try again`));
      return;
    }
    clients.add(socket);
    socket.once('close', () => clients.delete(socket));
    serveClient(socket, options);
  });
  server.on('error', (error) => options.log.error({ err: { code: (error as NodeJS.ErrnoException).code, message: error.message } }, 'control socket error'));
  return {
    server,
    clientCount: () => clients.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of clients) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function serveClient(socket: Socket, options: ControlServerOptions): void {
  let pending: Buffer = Buffer.alloc(0);
  let isBusy = false;
  let isClosing = false;
  let hasEnded = false;
  let stopStream: (() => void) | null = null;
  const lines: string[] = [];
  let timer: NodeJS.Timeout | undefined;
  const maxUnreadBytes = options.maxSubscriberUnreadBytes ?? MAX_SUBSCRIBER_UNREAD_BYTES;

  const armTimer = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      const hasPartial = pending.length > 0;
      closeWith(
        hasPartial
          ? buildError(null, 'request-timeout', `no complete request line within ${options.requestTimeoutMs} ms`)
          : buildError(null, 'request-timeout', `no request within ${options.requestTimeoutMs} ms`),
      );
    }, options.requestTimeoutMs);
  };

  const send = (reply: ControlReply): void => {
    if (socket.destroyed || !socket.writable) return;
    if (socket.writableLength > MAX_UNREAD_REPLY_BYTES) {
      socket.destroy();
      return;
    }
    socket.write(encodeLine(reply));
  };

  const endStream = (): void => {
    const stop = stopStream;
    stopStream = null;
    stop?.();
  };

  const closeWith = (reply: ControlReply | null): void => {
    if (isClosing) return;
    isClosing = true;
    endStream();
    clearTimeout(timer);
    lines.length = 0;
    pending = Buffer.alloc(0);
    if (reply) send(reply);
    endSoon(socket);
  };

  const drain = async (): Promise<void> => {
    if (isBusy) return;
    isBusy = true;
    socket.pause();
    while (lines.length > 0 && !isClosing) {
      const line = lines.shift() ?? '';
      clearTimeout(timer);
      const answer = await answerSafely(line, options);
      if (isControlStream(answer)) return startStream(answer);
      send(answer);
    }
    isBusy = false;
    if (isClosing || socket.destroyed) return;
    if (hasEnded) {
      closeWith(pending.length > 0 ? buildError(null, 'incomplete-request', 'the client ended its side before finishing the line') : null);
      return;
    }
    armTimer();
    socket.resume();
  };

  // From here on the connection is the subscription's: the client's further bytes are read (to see it hang up) and dropped.
  const startStream = (stream: ControlStream): void => {
    lines.length = 0;
    pending = Buffer.alloc(0);
    if (socket.destroyed || isClosing) return;
    send(stream.reply);
    if (!stream.reply.ok) return closeWith(null);
    const push = (message: unknown): void => {
      if (isClosing || socket.destroyed || stopStream === null) return;
      if (socket.writableLength > maxUnreadBytes) {
        options.log.warn({ unreadBytes: socket.writableLength }, 'subscriber too slow: dropped');
        endStream();
        isClosing = true;
        // What is queued, the final line last, still reaches a client that reads again in time; nothing more is queued.
        socket.end(encodeLine(stream.tooSlow));
        endSoon(socket, DROPPED_LINGER_MS);
        return;
      }
      socket.write(encodeLine(message));
    };
    stopStream = () => undefined;
    stopStream = stream.open(push);
    if (hasEnded) closeWith(null);
    else socket.resume();
  };

  socket.on('data', (chunk: Buffer) => {
    if (isClosing || stopStream !== null) return;
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    let newline = pending.indexOf(NEWLINE);
    while (newline !== -1) {
      if (newline > lineLimitOf(pending)) break;
      const line = pending.subarray(0, newline).toString('utf8').trim();
      pending = pending.subarray(newline + 1);
      if (line.length > 0) lines.push(line);
      newline = pending.indexOf(NEWLINE);
    }
    const limit = lineLimitOf(pending);
    if (newline > limit || (newline === -1 && pending.length > limit)) {
      const cap = limit === MAX_REQUEST_BYTES ? `at most ${MAX_REQUEST_BYTES} bytes (gateway-config-apply: ${MAX_APPLY_REQUEST_BYTES}, with "method" before "params")` : `at most ${limit} bytes for gateway-config-apply`;
      closeWith(buildError(null, 'request-too-large', `a request line is ${cap}`));
      return;
    }
    void drain();
  });
  socket.on('end', () => {
    hasEnded = true;
    if (stopStream !== null) return closeWith(null);
    void drain();
  });
  socket.on('error', () => {
    // A client that vanishes mid-request is its own problem, never the daemon's.
    clearTimeout(timer);
  });
  socket.on('close', () => {
    isClosing = true;
    endStream();
    clearTimeout(timer);
    lines.length = 0;
  });
  armTimer();
}

async function answerSafely(line: string, options: ControlServerOptions): Promise<ControlAnswer> {
  try {
    return await options.answer(line);
  } catch (error) {
    options.log.error({ err: { message: (error as Error).message } }, 'control request failed');
    return buildError(null, 'internal', 'clawsupd failed to answer; see its log');
  }
}

// Only a line already past 64 KiB is looked at: its start says whether it may grow to gateway-config-apply's cap.
function lineLimitOf(pending: Buffer): number {
  return pending.length <= MAX_REQUEST_BYTES ? MAX_REQUEST_BYTES : maxLineBytesOf(pending.subarray(0, 512).toString('utf8'));
}

function refuse(socket: Socket, reply: ControlReply): void {
  socket.on('error', () => undefined);
  socket.write(encodeLine(reply));
  endSoon(socket);
}

function endSoon(socket: Socket, lingerMs = LINGER_MS): void {
  socket.end();
  const timer = setTimeout(() => socket.destroy(), lingerMs);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}

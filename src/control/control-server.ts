import { createServer, type Server, type Socket } from 'node:net';
import { buildError, encodeLine, MAX_REQUEST_BYTES, type ControlReply } from './protocol.js';
import type { Logger } from '../daemon/logger.js';

export interface ControlServerOptions {
  maxClients: number;
  requestTimeoutMs: number;
  /** Turns one request line into its reply; must not throw (a throw is answered `internal`). */
  answer(line: string): Promise<ControlReply>;
  log: Logger;
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
  const lines: string[] = [];
  let timer: NodeJS.Timeout | undefined;

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

  const closeWith = (reply: ControlReply | null): void => {
    if (isClosing) return;
    isClosing = true;
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
      send(await answerSafely(line, options));
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

  socket.on('data', (chunk: Buffer) => {
    if (isClosing) return;
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    let newline = pending.indexOf(NEWLINE);
    while (newline !== -1) {
      if (newline > MAX_REQUEST_BYTES) break;
      const line = pending.subarray(0, newline).toString('utf8').trim();
      pending = pending.subarray(newline + 1);
      if (line.length > 0) lines.push(line);
      newline = pending.indexOf(NEWLINE);
    }
    if (newline > MAX_REQUEST_BYTES || (newline === -1 && pending.length > MAX_REQUEST_BYTES)) {
      closeWith(buildError(null, 'request-too-large', `a request line is at most ${MAX_REQUEST_BYTES} bytes`));
      return;
    }
    void drain();
  });
  socket.on('end', () => {
    hasEnded = true;
    void drain();
  });
  socket.on('error', () => {
    // A client that vanishes mid-request is its own problem, never the daemon's.
    clearTimeout(timer);
  });
  socket.on('close', () => {
    isClosing = true;
    clearTimeout(timer);
    lines.length = 0;
  });
  armTimer();
}

async function answerSafely(line: string, options: ControlServerOptions): Promise<ControlReply> {
  try {
    return await options.answer(line);
  } catch (error) {
    options.log.error({ err: { message: (error as Error).message } }, 'control request failed');
    return buildError(null, 'internal', 'clawsupd failed to answer; see its log');
  }
}

function refuse(socket: Socket, reply: ControlReply): void {
  socket.on('error', () => undefined);
  socket.write(encodeLine(reply));
  endSoon(socket);
}

function endSoon(socket: Socket): void {
  socket.end();
  const timer = setTimeout(() => socket.destroy(), LINGER_MS);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}

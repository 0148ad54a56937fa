import { connect, type Socket } from 'node:net';
import { waitFor } from './wait-for.js';

export interface Subscriber {
  socket: Socket;
  /** Every line received, parsed. */
  messages: Array<Record<string, any>>;
  isClosed(): boolean;
  /** Waits for a message that fits, with a deadline. */
  waitFor(what: string, predicate: (message: Record<string, any>) => boolean, timeoutMs?: number): Promise<Record<string, any>>;
  close(): void;
}

/** Opens a connection, sends one subscribe request, and collects every line it gets. `isReading: false` never reads. */
export function subscribe(socketPath: string, params: unknown, options: { isReading?: boolean; id?: number } = {}): Promise<Subscriber> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    const messages: Array<Record<string, any>> = [];
    let buffer = '';
    let isClosed = false;
    socket.on('error', () => undefined);
    socket.on('close', () => {
      isClosed = true;
    });
    socket.once('connect', () => {
      socket.write(`${JSON.stringify({ v: 1, id: options.id ?? 1, method: 'subscribe', params })}\n`);
      if (options.isReading === false) socket.pause();
      else {
        socket.on('data', (chunk: Buffer) => {
          buffer += chunk.toString('utf8');
          for (let newline = buffer.indexOf('\n'); newline !== -1; newline = buffer.indexOf('\n')) {
            messages.push(JSON.parse(buffer.slice(0, newline)));
            buffer = buffer.slice(newline + 1);
          }
        });
      }
      resolve({
        socket,
        messages,
        isClosed: () => isClosed,
        waitFor: (what, predicate, timeoutMs = 15_000) => waitFor(what, () => messages.find(predicate), timeoutMs),
        close: () => socket.destroy(),
      });
    });
    socket.once('error', reject);
  });
}

import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';

/** One accepted WebSocket connection, as the test scripts it. */
export interface WsPeer {
  /** Text frames received from the client, parsed as JSON (an unparseable one is kept as its text). */
  readonly received: unknown[];
  sendJson(frame: unknown): void;
  sendBinary(bytes: Uint8Array): void;
  sendText(text: string): void;
  /** A close frame with this code and reason, then the TCP end. */
  close(code: number, reason: string): void;
  /** The TCP connection dropped with no close frame. */
  destroy(): void;
  /** Settles when the TCP connection is gone: every frame the client sent before it is in `received`. */
  readonly closed: Promise<void>;
}

export interface WsServer {
  readonly port: number;
  readonly peers: WsPeer[];
  stop(): Promise<void>;
}

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

function encodeFrame(opcode: number, payload: Buffer): Buffer {
  const length = payload.length;
  const header =
    length < 126
      ? Buffer.from([0x80 | opcode, length])
      : Buffer.from([0x80 | opcode, 126, (length >> 8) & 255, length & 255]);
  return Buffer.concat([header, payload]);
}

/**
 * A WebSocket server on 127.0.0.1 that does what the test says: `onConnection` runs for each client once the
 * upgrade is answered, `onFrame` for each text frame the client sends. Speaks just enough RFC 6455 for
 * undici's client (masked frames up to 64 KiB, close); not a gateway, a puppet.
 */
export async function startWsServer(script: {
  onConnection?(peer: WsPeer): void;
  onFrame?(peer: WsPeer, frame: unknown): void;
}): Promise<WsServer> {
  const peers: WsPeer[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((_request, response) => response.writeHead(404).end());
  server.on('upgrade', (request, socket: Socket) => {
    sockets.add(socket);
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    const accept = createHash('sha1').update(`${String(request.headers['sec-websocket-key'])}${GUID}`).digest('base64');
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    const write = (bytes: Buffer): void => {
      if (!socket.destroyed) socket.write(bytes);
    };
    const peer: WsPeer = {
      received: [],
      sendJson: (frame) => write(encodeFrame(1, Buffer.from(JSON.stringify(frame)))),
      sendText: (text) => write(encodeFrame(1, Buffer.from(text))),
      sendBinary: (bytes) => write(encodeFrame(2, Buffer.from(bytes))),
      close(code, reason) {
        const payload = Buffer.alloc(2 + Buffer.byteLength(reason));
        payload.writeUInt16BE(code, 0);
        payload.write(reason, 2);
        write(encodeFrame(8, payload));
        socket.end();
      },
      destroy: () => socket.destroy(),
      closed,
    };
    peers.push(peer);
    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 2) {
        const opcode = buffered[0]! & 0x0f;
        let length = buffered[1]! & 0x7f;
        let offset = 2;
        if (length === 126) {
          if (buffered.length < 4) return;
          [length, offset] = [buffered.readUInt16BE(2), 4];
        }
        if (buffered.length < offset + 4 + length) return;
        const mask = buffered.subarray(offset, offset + 4);
        const data = Buffer.from(buffered.subarray(offset + 4, offset + 4 + length)).map((byte, i) => byte ^ mask[i % 4]!);
        buffered = buffered.subarray(offset + 4 + length);
        if (opcode === 8) {
          write(encodeFrame(8, Buffer.from(data.subarray(0, 2))));
          socket.end();
          return;
        }
        if (opcode !== 1) continue;
        const text = Buffer.from(data).toString('utf8');
        let frame: unknown;
        try {
          frame = JSON.parse(text);
        } catch {
          frame = text;
        }
        peer.received.push(frame);
        script.onFrame?.(peer, frame);
      }
    });
    script.onConnection?.(peer);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    peers,
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

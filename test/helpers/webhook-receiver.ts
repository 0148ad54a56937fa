import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitFor } from './wait-for.js';

export interface ReceivedRequest {
  method: string;
  path: string;
  body: any;
  atMs: number;
}

/** What the receiver does with the nth request (0-based): answer with a status, or never answer. */
export type Answer = { status: number; headers?: Record<string, string>; delayMs?: number } | 'hang';

export interface WebhookReceiver {
  port: number;
  url(path: string): string;
  requests: ReceivedRequest[];
  waitForRequests(what: string, count: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
  close(): Promise<void>;
}

/** A local HTTP server standing in for a Slack or JSON webhook (or Alertmanager's receiver), on 127.0.0.1. */
export async function startWebhookReceiver(answer: (index: number, request: ReceivedRequest) => Answer = () => ({ status: 200 }), port = 0): Promise<WebhookReceiver> {
  const requests: ReceivedRequest[] = [];
  const hanging: ServerResponse[] = [];
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // kept as text
      }
      const received: ReceivedRequest = { method: request.method ?? '', path: request.url ?? '', body, atMs: Date.now() };
      const index = requests.length;
      requests.push(received);
      const reply = answer(index, received);
      if (reply === 'hang') {
        hanging.push(response);
        return;
      }
      const send = (): void => {
        response.writeHead(reply.status, reply.headers);
        response.end('ok');
      };
      if (reply.delayMs) setTimeout(send, reply.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const boundPort = (server.address() as AddressInfo).port;
  return {
    port: boundPort,
    url: (path) => `http://127.0.0.1:${boundPort}${path}`,
    requests,
    waitForRequests: (what, count, timeoutMs = 20_000) => waitFor(what, () => (requests.length >= count ? requests.slice() : undefined), timeoutMs),
    async close() {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

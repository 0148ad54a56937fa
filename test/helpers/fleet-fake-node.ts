import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { join } from 'node:path';
import { FIXTURES } from './daemon.js';

export const TLS = join(FIXTURES, 'tls');

/** What a fake node does with a request that carried the right token. */
export type FakeBehaviour = (request: IncomingMessage, response: ServerResponse) => void;

export interface FakeNode {
  url: string;
  /** Requests seen, with their Authorization header. */
  requests: Array<{ path: string; authorization: string | undefined }>;
  close(): Promise<void>;
}

/** A node API stand-in on a free loopback port: checks the bearer token, then behaves as told. */
export async function startFakeNode(token: string, behaviour: FakeBehaviour, options: { isTls?: boolean } = {}): Promise<FakeNode> {
  const requests: FakeNode['requests'] = [];
  const handler = (request: IncomingMessage, response: ServerResponse): void => {
    requests.push({ path: request.url ?? '', authorization: request.headers.authorization });
    if (request.headers.authorization !== `Bearer ${token}`) {
      response.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"token required"}');
      return;
    }
    behaviour(request, response);
  };
  const server: Server = options.isTls
    ? createHttpsServer({ cert: readFileSync(join(TLS, 'cert.pem')), key: readFileSync(join(TLS, 'key.pem')) }, handler)
    : createHttpServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `${options.isTls ? 'https' : 'http'}://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export const answerJson = (value: unknown): FakeBehaviour => (_request, response) => {
  response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(value));
};

/** A node view as `/api/v1/view` answers it, `mode` since `sinceMs`, with one restart an hour ago. */
export function makeView(name: string, mode: string, nowMs: number, patch: { message?: string; evidence?: string[] } = {}): Record<string, unknown> {
  const at = (hoursAgo: number): string => new Date(nowMs - hoursAgo * 3_600_000).toISOString();
  const exit = { code: 1, signal: null, uptimeMs: 5000, class: 'transient', reason: 'crash', evidence: patch.evidence ?? ['boom'], at: at(1) };
  return {
    node: { name, version: '0.9.0' },
    status: {
      schemaVersion: 1,
      mode,
      since: at(1),
      reasons: mode === 'healthy' ? [] : ['why-not'],
      updatedAt: at(0),
      gateway: { pid: 4242, startedAt: at(1), restarts: 1, lastExit: exit, nextAttemptAt: null, failuresInWindow: 1, failureLimit: 3 },
      diagnosis: null,
      daemon: { pid: 4241, version: '0.9.0', startedAt: at(5), host: name },
      probes: { slack: { ok: true, state: 'connected', latencyMs: 3, checkedAt: at(0), consecutiveFailures: 0, detail: null } },
      skills: { daily: { state: 'failing', status: 'error', startedAt: at(2), finishedAt: at(2), lastSuccessAt: null, maxAgeMs: null, staleAt: null, exitCode: 1, message: patch.message ?? 'no', host: name } },
    },
    events: [
      { seq: 1, at: at(5), type: 'daemon-started', pid: 4241 },
      { seq: 2, at: at(4.9), type: 'mode-changed', from: 'starting', to: 'healthy', reasons: [] },
      { seq: 3, at: at(1.1), type: 'gateway-exited', code: 1, class: 'transient', reason: 'crash' },
      { seq: 4, at: at(1.1), type: 'mode-changed', from: 'healthy', to: 'backoff', reasons: ['crash'] },
      { seq: 5, at: at(1), type: 'mode-changed', from: 'backoff', to: mode, reasons: [] },
      { seq: 6, at: at(1), type: 'gateway-restarted', pid: 4242, restarts: 1 },
    ],
    skills: null,
    audit: null,
  };
}

/** The test's side of the fake Slack's control socket (HTTP over a Unix socket, which crosses network namespaces). */
import { request } from 'node:http';
import type { FakeSlackFault, FakeSlackRecord, FakeSlackSettings } from './fake-slack.js';

export interface FakeSlackState {
  settings: FakeSlackSettings;
  records: FakeSlackRecord[];
  sockets: Array<{ id: number; isHalfOpen: boolean; isSecond: boolean; openedAtMs: number }>;
  nowMs: number;
}

export interface FakeSlackControl {
  state(): Promise<FakeSlackState>;
  configure(patch: Partial<FakeSlackSettings>): Promise<void>;
  /** Opens a second Socket Mode connection on the app token, held by the fake; settles once its hello came. */
  openSecondConnection(): Promise<{ atMs: number }>;
  /** The fault's time as the fake's clock saw it (the same host clock as clawsupd's). */
  fault(fault: FakeSlackFault, socketId?: number): Promise<{ hit: number; atMs: number }>;
}

export function connectFakeSlack(socketPath: string): FakeSlackControl {
  const call = <T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? '' : JSON.stringify(body);
      const req = request({ socketPath, method, path, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }, timeout: 5_000 }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => {
          if (res.statusCode !== 200) reject(new Error(`fake-slack ${method} ${path}: ${res.statusCode} ${text}`));
          else resolve(JSON.parse(text) as T);
        });
      });
      req.on('timeout', () => req.destroy(new Error(`fake-slack ${method} ${path}: no answer in 5 s`)));
      req.on('error', reject);
      req.end(payload);
    });
  return {
    state: () => call<FakeSlackState>('GET', '/state'),
    configure: async (patch) => {
      await call('POST', '/configure', patch);
    },
    openSecondConnection: () => call('POST', '/second-connection', {}),
    fault: (fault, socketId) => call('POST', '/fault', { fault, socketId }),
  };
}

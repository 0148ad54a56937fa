import { connect } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CONTROL_ERROR_CODES, MAX_REQUEST_BYTES } from '../../src/control/protocol.js';
import { statusSchema } from '../../src/status/status-schema.js';
import { requestControl } from '../helpers/control.js';
import { cleanupDaemons, FIXTURES, startDaemon } from '../helpers/daemon.js';
import { createRandom } from '../helpers/seeded-random.js';

const TARGET_REQUESTS = 10_000;
const WORKERS = 16;
const MAX_CLIENTS = 24;
const STORM_CLIENTS = 60;
const REQUEST_TIMEOUT_MS = 600;
const SEED = Number(process.env.CLAWSUP_FUZZ_SEED ?? Date.now() % 1_000_000);

// Methods that do not change the node, so the end state can be checked exactly; resume and start are refused in healthy.
const SAFE_METHODS = ['status', 'logs', 'config-check', 'diagnose', 'resume', 'start'];
const KNOWN_CODES = new Set(Object.keys(CONTROL_ERROR_CODES));

afterEach(cleanupDaemons);

type Batch = { kind: 'lines'; lines: string[]; isSlow: boolean } | { kind: 'oversized'; size: number } | { kind: 'truncated'; text: string; isHalfClose: boolean } | { kind: 'stall'; text: string };

interface Outcome {
  replies: Array<Record<string, any>>;
  isRefused: boolean;
}

function makeBatch(random: () => number): Batch {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const roll = random();
  if (roll < 0.03) return { kind: 'oversized', size: MAX_REQUEST_BYTES + 1 + Math.floor(random() * 40_000) };
  if (roll < 0.08) return { kind: 'truncated', text: validLine(pick, random).slice(0, 1 + Math.floor(random() * 20)), isHalfClose: random() < 0.5 };
  if (roll < 0.09) return { kind: 'stall', text: validLine(pick, random).slice(0, 10) };
  const count = 1 + Math.floor(random() * 60);
  const lines = Array.from({ length: count }, () => (random() < 0.5 ? validLine(pick, random) : mangledLine(pick, random)));
  return { kind: 'lines', lines, isSlow: random() < 0.1 };
}

function validLine(pick: <T>(items: readonly T[]) => T, random: () => number): string {
  const method = pick(SAFE_METHODS);
  const params = method === 'logs' ? { n: 1 + Math.floor(random() * 100) } : undefined;
  return JSON.stringify({ v: 1, id: Math.floor(random() * 1e6), method, params });
}

function mangledLine(pick: <T>(items: readonly T[]) => T, random: () => number): string {
  const base = validLine(pick, random);
  switch (pick(['cut', 'flip', 'bytes', 'json', 'deep'])) {
    case 'cut':
      return base.slice(0, Math.floor(random() * base.length));
    case 'flip': {
      const chars = [...base];
      for (let i = 0; i < 3; i += 1) chars[Math.floor(random() * chars.length)] = String.fromCharCode(32 + Math.floor(random() * 95));
      return chars.join('');
    }
    case 'bytes':
      return Array.from({ length: 1 + Math.floor(random() * 200) }, () => String.fromCharCode(1 + Math.floor(random() * 0xfffe))).join('').replace(/[\n\r\u2028\u2029]/g, ' ');
    case 'json':
      return JSON.stringify(pick([null, 1, 'x', [], {}, { v: 1 }, { v: 1, id: 'x'.repeat(300), method: 'status' }, { v: 1, id: 1, method: 'logs', params: { n: 1e9 } }, { v: 1, id: 1, method: 'skill-report', params: { record: { name: '../../etc/passwd' } } }]));
    default:
      return `${'['.repeat(2_000)}${']'.repeat(2_000)}`;
  }
}

/** Sends one batch on a fresh connection; resolves with the replies once the daemon closes or all replies came. */
function sendBatch(socketPath: string, batch: Batch, random: () => number): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket = connect(socketPath);
    const replies: Array<Record<string, any>> = [];
    let buffer = '';
    const expected = batch.kind === 'lines' ? batch.lines.filter((line) => line.trim() !== '').length : 1;
    const done = (): void => {
      clearTimeout(deadline);
      socket.destroy();
      resolve({ replies, isRefused: replies[0]?.error?.code === 'too-many-clients' });
    };
    const deadline = setTimeout(done, 20_000);
    socket.on('error', () => undefined);
    socket.on('close', done);
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      for (let newline = buffer.indexOf('\n'); newline !== -1; newline = buffer.indexOf('\n')) {
        replies.push(JSON.parse(buffer.slice(0, newline)));
        buffer = buffer.slice(newline + 1);
      }
      if (replies.length >= expected || replies[0]?.error?.code === 'too-many-clients') done();
    });
    socket.on('connect', async () => {
      switch (batch.kind) {
        case 'oversized':
          socket.write('y'.repeat(batch.size));
          return;
        case 'truncated':
          socket.write(batch.text);
          if (batch.isHalfClose) socket.end();
          else done();
          return;
        case 'stall':
          socket.write(batch.text);
          return;
        case 'lines': {
          const text = `${batch.lines.join('\n')}\n`;
          if (!batch.isSlow) {
            socket.write(text);
            return;
          }
          // A slow client: the same bytes in pieces, with pauses shorter than the request timeout.
          for (let at = 0; at < text.length && !socket.destroyed; ) {
            const step = 1 + Math.floor(random() * 400);
            socket.write(text.slice(at, at + step));
            at += step;
            await new Promise((wait) => setTimeout(wait, Math.floor(random() * 20)));
          }
        }
      }
    });
  });
}

describe('control socket fuzz', () => {
  it(`survives ${TARGET_REQUESTS} random, truncated, oversized and slow requests from many clients at once (seed ${SEED})`, { timeout: 240_000 }, async () => {
    const daemon = startDaemon({ config: { gateway: { command: [process.execPath, join(FIXTURES, 'forever.mjs')] }, control: { maxClients: MAX_CLIENTS, requestTimeoutMs: REQUEST_TIMEOUT_MS } } });
    const before = await daemon.waitForStatus('healthy', (s) => s.mode === 'healthy');
    const random = createRandom(SEED);
    let sent = 0;
    // Requests on connections the daemon took (not told too-many-clients): these must reach the target.
    let handled = 0;
    let answered = 0;
    let refused = 0;
    const problems: string[] = [];

    const check = (batch: Batch, outcome: Outcome): void => {
      answered += outcome.replies.length;
      if (outcome.isRefused) {
        refused += 1;
        return;
      }
      handled += batch.kind === 'lines' ? batch.lines.length : 1;
      for (const reply of outcome.replies) {
        if (reply.v !== 1 || typeof reply.ok !== 'boolean' || (!reply.ok && !KNOWN_CODES.has(reply.error?.code))) problems.push(`odd reply ${JSON.stringify(reply).slice(0, 200)}`);
      }
      const codes = outcome.replies.map((reply) => (reply.ok ? 'ok' : reply.error.code));
      const requestCount = batch.kind === 'lines' ? batch.lines.filter((line) => line.trim() !== '').length : 0;
      // Only blank lines (a random line can be one whitespace character) are no request: the idle client is timed out.
      const isIdle = batch.kind === 'lines' && requestCount === 0;
      if (isIdle && codes.some((code) => code !== 'request-timeout')) problems.push(`blank lines got ${codes.join()}`);
      if (batch.kind === 'lines' && !isIdle && outcome.replies.length !== requestCount) {
        problems.push(`${batch.lines.length} lines got ${outcome.replies.length} replies`);
      }
      if (batch.kind === 'oversized' && codes.join() !== 'request-too-large') problems.push(`oversized got ${codes.join()}`);
      if (batch.kind === 'stall' && codes.join() !== 'request-timeout') problems.push(`stall got ${codes.join()}`);
      if (batch.kind === 'truncated' && batch.isHalfClose && codes.join() !== 'incomplete-request') problems.push(`half-close got ${codes.join()}`);
    };

    const worker = async (): Promise<void> => {
      while (handled < TARGET_REQUESTS) {
        const batch = makeBatch(random);
        sent += batch.kind === 'lines' ? batch.lines.length : 1;
        check(batch, await sendBatch(daemon.socketPath, batch, random));
      }
    };
    const storm = async (): Promise<void> => {
      const outcomes = await Promise.all(Array.from({ length: STORM_CLIENTS }, () => sendBatch(daemon.socketPath, { kind: 'lines', lines: [validLine((items) => items[0] as never, random)], isSlow: false }, random)));
      sent += STORM_CLIENTS;
      for (const outcome of outcomes) check({ kind: 'lines', lines: ['x'], isSlow: false }, outcome);
    };
    await Promise.all([...Array.from({ length: WORKERS }, worker), storm()]);

    expect(problems.slice(0, 10)).toEqual([]);
    expect(handled).toBeGreaterThanOrEqual(TARGET_REQUESTS);
    // Only a client that hangs up mid-line goes unanswered.
    expect(answered).toBeGreaterThan(handled * 0.95);
    console.log(`fuzz seed ${SEED}: ${sent} requests sent, ${handled} on accepted connections, ${answered} replies, ${refused} connections told too-many-clients`);

    const reply = await requestControl(daemon.socketPath, 'status');
    expect(reply.ok).toBe(true);
    const status = statusSchema.parse(reply.result);
    expect(status).toMatchObject({ mode: 'healthy', reasons: [], daemon: { pid: daemon.pid }, gateway: { pid: before.gateway.pid, restarts: 0 } });
    expect(daemon.child.exitCode).toBeNull();
    expect(daemon.logs().filter((record) => record.level === 'error')).toEqual([]);
  });
});

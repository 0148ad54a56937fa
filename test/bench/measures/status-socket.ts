import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { BENCH_FIXTURES, startContender } from '../lib/contenders.js';
import { freePort } from '../../helpers/free-port.js';
import type { Measure } from '../lib/measure.js';
import { summarize } from '../lib/stats.js';

const CLIENTS = 8;
const DURATION_MS = 5_000;
const TARGET_PER_SECOND = 5_000;
const TARGET_P99_MS = 5;

/** `status` requests over the control socket: CLIENTS connections, each sending its next request once answered. */
export const statusSocket: Measure = {
  id: 'status-socket',
  title: 'status requests over the control socket',
  async run(options, report) {
    const port = await freePort();
    const running = await startContender('clawsup', { argv: [process.execPath, join(BENCH_FIXTURES, 'http-gateway.mjs'), String(port)] });
    try {
      const socketPath = running.paths.socketPath ?? '';
      const durationMs = Math.max(1_000, DURATION_MS * options.runsScale);
      const clients = await Promise.all(Array.from({ length: CLIENTS }, () => openClient(socketPath)));
      // A short warm-up, so the JIT has seen the path before the clock runs.
      await Promise.all(clients.map((client) => runClient(client, 300)));
      const startedAt = performance.now();
      const latencies = (await Promise.all(clients.map((client) => runClient(client, durationMs)))).flat();
      const elapsedS = (performance.now() - startedAt) / 1_000;
      for (const client of clients) client.socket.destroy();
      const perSecond = latencies.length / elapsedS;
      const summary = summarize(latencies);
      report({
        measure: `${this.title}: latency (${CLIENTS} clients)`,
        contender: 'clawsup',
        unit: 'ms',
        summary,
        target: `p99 < ${TARGET_P99_MS} ms`,
        isMet: summary.p99 < TARGET_P99_MS,
      });
      report({
        measure: `${this.title}: throughput (${CLIENTS} clients)`,
        contender: 'clawsup',
        unit: 'req/s',
        summary: { runs: latencies.length, median: perSecond, p99: perSecond, min: perSecond, max: perSecond },
        target: `≥ ${TARGET_PER_SECOND}/s`,
        isMet: perSecond >= TARGET_PER_SECOND,
        note: `${latencies.length} replies in ${elapsedS.toFixed(1)} s (one figure: the p99 column repeats it)`,
      });
    } finally {
      await running.stop();
    }
  },
};

interface Client {
  socket: Socket;
  buffered: string;
  waiting: ((line: string) => void) | null;
}

function openClient(socketPath: string): Promise<Client> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    const client: Client = { socket, buffered: '', waiting: null };
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      client.buffered += chunk;
      const newline = client.buffered.indexOf('\n');
      if (newline === -1) return;
      const line = client.buffered.slice(0, newline);
      client.buffered = client.buffered.slice(newline + 1);
      client.waiting?.(line);
    });
    socket.once('connect', () => resolve(client));
    socket.once('error', reject);
  });
}

async function runClient(client: Client, durationMs: number): Promise<number[]> {
  const latencies: number[] = [];
  const endAt = performance.now() + durationMs;
  let id = 0;
  while (performance.now() < endAt) {
    const sentAt = performance.now();
    const line = await new Promise<string>((resolve) => {
      client.waiting = resolve;
      client.socket.write(`{"v":1,"id":${(id += 1)},"method":"status","params":{}}\n`);
    });
    latencies.push(performance.now() - sentAt);
    if (!line.includes('"ok":true')) throw new Error(`status request refused: ${line.slice(0, 200)}`);
  }
  return latencies;
}

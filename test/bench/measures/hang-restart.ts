import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BENCH_FIXTURES, startContender } from '../lib/contenders.js';
import { freePort } from '../../helpers/free-port.js';
import type { Measure } from '../lib/measure.js';
import { pollFor, sleepMs } from '../lib/proc-stats.js';
import { summarize } from '../lib/stats.js';

const RUNS = 8;
const INTERVAL_MS = 1_000;
const TIMEOUT_MS = 500;
const FAILURE_THRESHOLD = 3;
const SLACK_MS = 100;

/**
 * A gateway whose event loop stops (a busy loop: alive, HTTP silent), from the moment it stops (its own clock) to the
 * replacement's time origin. A busy Node process cannot run a SIGTERM handler, so the kill lands at once.
 */
export const hangRestart: Measure = {
  id: 'hang',
  title: 'hang (alive, /healthz silent) detected and restarted',
  async run(options, report) {
    const boundMs = INTERVAL_MS * FAILURE_THRESHOLD + TIMEOUT_MS;
    const runs = Math.max(3, Math.round(RUNS * options.runsScale));
    const dir = mkdtempSync(join(tmpdir(), 'csb-hang-'));
    const logPath = join(dir, 'starts.log');
    const port = await freePort();
    const running = await startContender('clawsup', {
      argv: [process.execPath, join(BENCH_FIXTURES, 'http-gateway.mjs'), String(port), logPath, '--no-sigterm-handler'],
      health: { enabled: true, url: `http://127.0.0.1:${port}/healthz`, intervalMs: INTERVAL_MS, timeoutMs: TIMEOUT_MS, failureThreshold: FAILURE_THRESHOLD },
    });
    const delays: number[] = [];
    try {
      for (let run = 0; run < runs; run += 1) {
        const pid = await pollFor('a started gateway', () => lastStart(logPath), 20_000);
        // Wait for the gateway to be healthy, then hang it at a random phase against the probe rounds.
        await pollFor('healthy', () => readStatus(running.paths.statusDir ?? '')?.mode === 'healthy', 30_000, 50);
        await sleepMs(Math.random() * INTERVAL_MS);
        process.kill(pid.pid, 'SIGUSR2');
        const restart = await pollFor('the replacement', () => {
          const text = readFileSync(logPath, 'utf8');
          const hang = new RegExp(`^hang ${pid.pid} (\\S+)$`, 'm').exec(text);
          const next = lastStart(logPath);
          return hang && next && next.pid !== pid.pid ? next.originMs - Number(hang[1]) : undefined;
        }, boundMs + 20_000, 20);
        delays.push(restart);
      }
    } finally {
      await running.stop();
      rmSync(dir, { recursive: true, force: true });
    }
    const summary = summarize(delays);
    report({
      measure: this.title,
      contender: 'clawsup',
      unit: 'ms',
      summary,
      target: `≤ ${INTERVAL_MS}×${FAILURE_THRESHOLD} + ${TIMEOUT_MS} + ${SLACK_MS} = ${boundMs + SLACK_MS} ms`,
      isMet: summary.max <= boundMs + SLACK_MS,
      note: 'PM2 and supervisord have no HTTP health check: such a gateway stays "online"/RUNNING forever',
    });
  },
};

function lastStart(logPath: string): { pid: number; originMs: number } | undefined {
  let text: string;
  try {
    text = readFileSync(logPath, 'utf8');
  } catch {
    return undefined;
  }
  const starts = [...text.matchAll(/^start (\d+) (\S+)$/gm)];
  const last = starts.at(-1);
  return last ? { pid: Number(last[1]), originMs: Number(last[2]) } : undefined;
}

function readStatus(statusDir: string): { mode?: string } | null {
  try {
    return JSON.parse(readFileSync(join(statusDir, 'status.json'), 'utf8')) as { mode?: string };
  } catch {
    return null;
  }
}

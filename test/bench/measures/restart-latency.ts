import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BENCH_FIXTURES, startContender, type ContenderName } from '../lib/contenders.js';
import type { Measure } from '../lib/measure.js';
import { pollFor } from '../lib/proc-stats.js';
import { summarize } from '../lib/stats.js';

const CHILD_UPTIME_MS = 30;
const TARGET_SLACK_MS = 2;
const BLOCKS = 4;
const RUNS: Record<ContenderName, number> = { 'bare-spawn': 100, clawsup: 100, pm2: 100, supervisord: 12 };

/**
 * Gap between the old gateway's last moment (its own clock, just before process.exit) and the new one's
 * performance.timeOrigin (when that Node process began): the supervisor's reaction and spawn, without Node's start-up.
 */
export const restartLatency: Measure = {
  id: 'restart',
  title: 'gateway exit to replacement spawned (backoff 0)',
  async run(options, report) {
    const order: ContenderName[] = ['bare-spawn', 'clawsup', ...options.contenders.filter((name) => name === 'pm2' || name === 'supervisord')];
    // In interleaved blocks, so that a change of the machine's load moves every contender alike (one block each in turn).
    const gapsByName = new Map<ContenderName, number[]>(order.map((name) => [name, []]));
    for (let block = 0; block < BLOCKS; block += 1) {
      for (const name of order) {
        const runs = Math.max(5, Math.round(RUNS[name] * options.runsScale));
        const perBlock = Math.ceil(runs / BLOCKS);
        gapsByName.get(name)?.push(...(await measureGaps(name, perBlock)));
      }
    }
    let bareMedianMs = Number.NaN;
    for (const name of order) {
      const summary = summarize(gapsByName.get(name) ?? []);
      if (name === 'bare-spawn') bareMedianMs = summary.median;
      const isClawsup = name === 'clawsup';
      report({
        measure: this.title,
        contender: name,
        unit: 'ms',
        summary,
        note: `${BLOCKS} interleaved blocks`,
        ...(isClawsup
          ? { target: `median ≤ bare spawn + ${TARGET_SLACK_MS} ms (${(bareMedianMs + TARGET_SLACK_MS).toFixed(1)})`, isMet: summary.median <= bareMedianMs + TARGET_SLACK_MS }
          : {}),
      });
    }
  },
};

async function measureGaps(name: ContenderName, runs: number): Promise<number[]> {
  const dir = mkdtempSync(join(tmpdir(), 'csb-restart-'));
  const logPath = join(dir, 'starts.log');
  const running = await startContender(name, { argv: [process.execPath, join(BENCH_FIXTURES, 'restart-child.mjs'), logPath, String(CHILD_UPTIME_MS)] });
  try {
    await pollFor(`${runs} restarts under ${name}`, () => parseGaps(readText(logPath)).length >= runs + 1, 120_000, 50);
  } finally {
    await running.stop();
  }
  // The first gap can include the supervisor's own warm-up: drop it.
  const gaps = parseGaps(readText(logPath)).slice(1, runs + 1);
  rmSync(dir, { recursive: true, force: true });
  return gaps;
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** Each `exit` line followed by a `start` line gives one gap. */
export function parseGaps(text: string): number[] {
  const gaps: number[] = [];
  let exitAtMs: number | null = null;
  for (const line of text.split('\n')) {
    const [kind, , stamp] = line.split(' ');
    if (kind === 'exit') exitAtMs = Number(stamp);
    else if (kind === 'start' && exitAtMs !== null) {
      gaps.push(Number(stamp) - exitAtMs);
      exitAtMs = null;
    }
  }
  return gaps;
}

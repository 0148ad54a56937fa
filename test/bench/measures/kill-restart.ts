import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BENCH_FIXTURES, startContender } from '../lib/contenders.js';
import type { Measure } from '../lib/measure.js';
import { isPidAlive, pollFor, sleepMs } from '../lib/proc-stats.js';
import { summarize } from '../lib/stats.js';

const RUNS = 30;
// The holder keeps the dead gateway's pipes this long: longer than any drain clawsupd might wait for.
const HOLD_MS = 1_000;
const TARGET_MS = 20;

/**
 * `kill -9` of a gateway whose helper process (outside its group, as OpenClaw's launcher leaves one) still holds its
 * stdout and stderr: from the kill (our clock) to the replacement's time origin, with a restart backoff of 0.
 */
export const killRestart: Measure = {
  id: 'kill9',
  title: 'gateway kill -9 (pipes held open) to replacement spawned (backoff 0)',
  async run(options, report) {
    const runs = Math.max(5, Math.round(RUNS * options.runsScale));
    const dir = mkdtempSync(join(tmpdir(), 'csb-kill9-'));
    const logPath = join(dir, 'starts.log');
    const running = await startContender('clawsup', { argv: [process.execPath, join(BENCH_FIXTURES, 'pipe-holder-gateway.mjs'), logPath, String(HOLD_MS)] });
    const delays: number[] = [];
    const holders: number[] = [];
    try {
      let known = 0;
      for (let run = 0; run < runs; run += 1) {
        const started = await pollFor('a gateway with its pipe holder', () => {
          const all = readStarts(logPath);
          return all.length > known && all.at(-1)?.holderPid ? all.at(-1) : undefined;
        });
        known = readStarts(logPath).length;
        if (started.holderPid) holders.push(started.holderPid);
        await sleepMs(50);
        const killedAtMs = performance.timeOrigin + performance.now();
        process.kill(started.pid, 'SIGKILL');
        const next = await pollFor('the replacement', () => readStarts(logPath).find((start) => start.originMs > killedAtMs), 20_000, 5);
        delays.push(next.originMs - killedAtMs);
      }
    } finally {
      await running.stop();
      for (const pid of holders) if (isPidAlive(pid)) process.kill(pid, 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
    const summary = summarize(delays);
    report({
      measure: this.title,
      contender: 'clawsup',
      unit: 'ms',
      summary,
      target: `median ≤ ${TARGET_MS} ms`,
      isMet: summary.median <= TARGET_MS,
      note: `the holder keeps the pipes ${HOLD_MS} ms after the kill; includes the kernel's reaping and spawn, not Node's start-up`,
    });
  },
};

interface Start {
  pid: number;
  originMs: number;
  holderPid?: number;
}

function readStarts(logPath: string): Start[] {
  let text: string;
  try {
    text = readFileSync(logPath, 'utf8');
  } catch {
    return [];
  }
  const starts: Start[] = [];
  for (const line of text.split('\n')) {
    const [kind, pid, value] = line.split(' ');
    if (kind === 'start') starts.push({ pid: Number(pid), originMs: Number(value) });
    else if (kind === 'holder') {
      const start = starts.find((candidate) => candidate.pid === Number(pid));
      if (start) start.holderPid = Number(value);
    }
  }
  return starts;
}

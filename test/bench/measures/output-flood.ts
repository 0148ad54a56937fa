import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildBenchEnv } from '../lib/bench-env.js';
import { BENCH_FIXTURES, startContender, type ContenderName } from '../lib/contenders.js';
import type { Measure } from '../lib/measure.js';
import { pollFor, readCpuMs, readMemoryMiB } from '../lib/proc-stats.js';
import { summarize } from '../lib/stats.js';

const FLOOD_MIB = 200;
const RUNS = 5;
// Over the floor: a bare Node parent that reads the pipe and discards it (bare-spawn, measured in the same run).
const TARGET_RATIO = 1.15;
// A bare Node reader of the same pipe peaks near 85 MiB (garbage Buffers awaiting GC); what matters is no growth with the size.
const TARGET_PEAK_RSS_MIB = 128;

/** The gateway's own time to write 200 MiB of log lines: to /dev/null, then through each supervisor's pipe. */
export const outputFlood: Measure = {
  id: 'flood',
  title: `gateway writes ${FLOOD_MIB} MiB to stdout`,
  async run(options, report) {
    const runs = Math.max(3, Math.round(RUNS * options.runsScale));
    const baseline: number[] = [];
    for (let i = 0; i < runs; i += 1) baseline.push(await floodToDevNull());
    const baselineSummary = summarize(baseline);
    report({ measure: this.title, contender: 'node > /dev/null', unit: 'ms', summary: baselineSummary });
    let floorMedianMs = Number.NaN;
    for (const name of ['bare-spawn', ...options.contenders] as ContenderName[]) {
      const times: number[] = [];
      const peaks: number[] = [];
      const cpus: number[] = [];
      for (let i = 0; i < runs; i += 1) {
        const { elapsedMs, peakMiB, cpuMs } = await floodThrough(name);
        times.push(elapsedMs);
        peaks.push(peakMiB);
        cpus.push(cpuMs);
      }
      const summary = summarize(times);
      const isClawsup = name === 'clawsup';
      if (name === 'bare-spawn') floorMedianMs = summary.median;
      const limitMs = floorMedianMs * TARGET_RATIO;
      report({
        measure: this.title,
        contender: name,
        unit: 'ms',
        summary,
        note: `${(summary.median / baselineSummary.median).toFixed(2)}× the /dev/null time, ${(summary.median / floorMedianMs).toFixed(2)}× the bare reader${name === 'bare-spawn' ? ' (a Node parent reading the pipe and discarding it: the floor for any supervisor that reads)' : ''}`,
        ...(isClawsup ? { target: `≤ ${TARGET_RATIO}× the bare reader (${limitMs.toFixed(0)} ms)`, isMet: summary.median <= limitMs } : {}),
      });
      // CPU time is what a loaded machine does not blur: the supervisor's own work per 200 MiB.
      report({ measure: 'supervisor CPU time during the flood', contender: name, unit: 'ms', summary: summarize(cpus), note: 'user + system, /proc/PID/stat, from its start-up done to the last write' });
      const peakSummary = summarize(peaks);
      report({
        measure: 'supervisor peak RSS during the flood',
        contender: name,
        unit: 'MiB',
        summary: peakSummary,
        ...(isClawsup ? { target: `bounded (< ${TARGET_PEAK_RSS_MIB} MiB)`, isMet: peakSummary.max < TARGET_PEAK_RSS_MIB } : {}),
      });
    }
  },
};

function floodArgs(resultPath: string, extra: string[] = []): string[] {
  return [join(BENCH_FIXTURES, 'flood-gateway.mjs'), String(FLOOD_MIB), resultPath, ...extra];
}

async function floodToDevNull(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'csb-flood-'));
  const resultPath = join(dir, 'elapsed');
  const devNull = openSync('/dev/null', 'w');
  try {
    const child = spawn(process.execPath, floodArgs(resultPath, ['--exit']), { env: buildBenchEnv(), stdio: ['ignore', devNull, 'inherit'] });
    await new Promise((resolve) => child.once('exit', resolve));
    return Number(readFileSync(resultPath, 'utf8'));
  } finally {
    closeSync(devNull);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function floodThrough(name: ContenderName): Promise<{ elapsedMs: number; peakMiB: number; cpuMs: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'csb-flood-'));
  const resultPath = join(dir, 'elapsed');
  const running = await startContender(name, { argv: [process.execPath, ...floodArgs(resultPath)] });
  const cpuAtStartMs = readCpuMs(running.daemonPid) ?? 0;
  try {
    let peakMiB = 0;
    await pollFor(`flood under ${name}`, () => {
      peakMiB = Math.max(peakMiB, readMemoryMiB(running.daemonPid)?.peakMiB ?? 0);
      return existsSync(resultPath) && readFileSync(resultPath, 'utf8').length > 0;
    }, 180_000, 50);
    peakMiB = Math.max(peakMiB, readMemoryMiB(running.daemonPid)?.peakMiB ?? 0);
    return { elapsedMs: Number(readFileSync(resultPath, 'utf8')), peakMiB, cpuMs: (readCpuMs(running.daemonPid) ?? 0) - cpuAtStartMs };
  } finally {
    await running.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

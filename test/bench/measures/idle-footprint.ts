import { join } from 'node:path';
import { BENCH_FIXTURES, startContender, type ContenderName } from '../lib/contenders.js';
import { freePort } from '../../helpers/free-port.js';
import type { Measure } from '../lib/measure.js';
import { readCpuMs, readMemoryMiB, sleepMs } from '../lib/proc-stats.js';
import { summarize } from '../lib/stats.js';
import { hasProbes, probeEverySecond } from './probe-config.js';

const SAMPLE_EVERY_MS = 1_000;
const CPU_WINDOW_MS = 10_000;
const SETTLE_MS = 3_000;
const TARGET_RSS_MIB = 50;
const TARGET_GROWTH_MIB = 2;
const TARGET_CPU_PERCENT = 0.1;

/** The daemon's resident memory and CPU while one quiet gateway runs (clawsup probing it every second). */
export const idleFootprint: Measure = {
  id: 'idle',
  title: 'daemon idle, one gateway',
  async run(options, report) {
    const durationMs = options.soakMinutes > 0 ? options.soakMinutes * 60_000 : options.idleSampleSeconds * 1_000;
    const isProbing = await hasProbes();
    for (const name of options.contenders) {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}/healthz`;
      const running = await startContender(name, {
        argv: [process.execPath, join(BENCH_FIXTURES, 'http-gateway.mjs'), String(port)],
        ...(isProbing ? { health: probeEverySecond(url) } : {}),
      });
      try {
        await sleepMs(SETTLE_MS);
        const { rssMiB, cpuPercent } = await sampleDaemon(running.daemonPid, durationMs);
        const rss = summarize(rssMiB);
        const growthMiB = (rssMiB.at(-1) ?? 0) - (rssMiB[0] ?? 0);
        const isClawsup = name === 'clawsup';
        const probesNote = isClawsup ? (isProbing ? 'probes every 1 s' : 'no probes in this build') : 'no probes (it has none)';
        report({
          measure: 'daemon resident memory, idle',
          contender: name,
          unit: 'MiB',
          summary: rss,
          note: `${probesNote}; ${(durationMs / 60_000).toFixed(1)} min, first ${rssMiB[0]?.toFixed(1)} → last ${rssMiB.at(-1)?.toFixed(1)} MiB (${growthMiB >= 0 ? '+' : ''}${growthMiB.toFixed(1)})`,
          ...(isClawsup ? { target: `< ${TARGET_RSS_MIB} MiB, growth < ${TARGET_GROWTH_MIB} MiB`, isMet: rss.p99 < TARGET_RSS_MIB && growthMiB < TARGET_GROWTH_MIB } : {}),
        });
        const cpu = summarize(cpuPercent);
        report({
          measure: `daemon CPU, idle (per ${CPU_WINDOW_MS / 1000} s window)`,
          contender: name,
          unit: '%',
          summary: cpu,
          note: `${probesNote}; /proc ticks are 10 ms, so one window resolves 0.1 %`,
          ...(isClawsup ? { target: `< ${TARGET_CPU_PERCENT} %`, isMet: cpu.median < TARGET_CPU_PERCENT } : {}),
        });
      } finally {
        await running.stop();
      }
    }
  },
};

async function sampleDaemon(pid: number, durationMs: number): Promise<{ rssMiB: number[]; cpuPercent: number[] }> {
  const rssMiB: number[] = [];
  const cpuPercent: number[] = [];
  const startedAt = Date.now();
  let windowStartMs = startedAt;
  let windowStartCpuMs = readCpuMs(pid) ?? 0;
  while (Date.now() - startedAt < durationMs) {
    await sleepMs(SAMPLE_EVERY_MS);
    const memory = readMemoryMiB(pid);
    if (memory) rssMiB.push(memory.rssMiB);
    const nowMs = Date.now();
    if (nowMs - windowStartMs >= CPU_WINDOW_MS) {
      const cpuMs = readCpuMs(pid) ?? windowStartCpuMs;
      cpuPercent.push((100 * (cpuMs - windowStartCpuMs)) / (nowMs - windowStartMs));
      windowStartMs = nowMs;
      windowStartCpuMs = cpuMs;
    }
  }
  return { rssMiB, cpuPercent };
}

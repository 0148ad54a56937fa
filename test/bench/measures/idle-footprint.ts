import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { buildBenchEnv } from '../lib/bench-env.js';
import { BENCH_FIXTURES, startContender, type ContenderName } from '../lib/contenders.js';
import { freePort } from '../../helpers/free-port.js';
import type { Measure } from '../lib/measure.js';
import { readCpuMs, readMemoryMiB, sleepMs } from '../lib/proc-stats.js';
import { summarize } from '../lib/stats.js';
import { hasProbes, metricsAndAlertsOn, probeEverySecond, RESOLVING_SLACK_HOSTS } from './probe-config.js';

const SAMPLE_EVERY_MS = 1_000;
// 10 ms ticks resolve 0.1 % only over 10 s: windows of 100 s resolve 0.01 %. A shorter run is one window.
const CPU_WINDOW_MS = 100_000;
const SETTLE_MS = 3_000;
// clawsupd over a bare Node that loads node:http, node:net and node:fs from a CommonJS entry (the floor, same run).
const TARGET_OVER_FLOOR_MIB = 8;
const TARGET_OVER_FLOOR_WITH_FEATURES_MIB = 12;
const TARGET_GROWTH_MIB = 2;
const TARGET_CPU_PERCENT = 0.1;

interface IdleVariant {
  name: ContenderName;
  label: string;
  overFloorTargetMiB?: number;
  extraConfig?: (dir: string) => Record<string, unknown>;
}

/** clawsup alone, clawsup with the metrics textfile and an alert webhook on (events issue), then each peer. */
function listVariants(contenders: readonly ContenderName[]): IdleVariant[] {
  return contenders.flatMap((name): IdleVariant[] =>
    name !== 'clawsup'
      ? [{ name, label: name }]
      : [
          { name, label: 'clawsup', overFloorTargetMiB: TARGET_OVER_FLOOR_MIB },
          {
            name,
            label: 'clawsup, metrics and alerts on',
            overFloorTargetMiB: TARGET_OVER_FLOOR_WITH_FEATURES_MIB,
            extraConfig: metricsAndAlertsOn,
          },
        ],
  );
}

/** The daemon's resident memory and CPU while one quiet gateway runs (clawsup probing it every second). */
export const idleFootprint: Measure = {
  id: 'idle',
  title: 'daemon idle, one gateway',
  async run(options, report) {
    const durationMs = options.soakMinutes > 0 ? options.soakMinutes * 60_000 : options.idleSampleSeconds * 1_000;
    const isProbing = await hasProbes();
    for (const { name, label, overFloorTargetMiB, extraConfig } of listVariants(options.contenders)) {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}/healthz`;
      const running = await startContender(name, {
        argv: [process.execPath, join(BENCH_FIXTURES, 'http-gateway.mjs'), String(port)],
        ...(isProbing ? { health: probeEverySecond(url) } : {}),
        extraConfig: (dir) => ({ ...RESOLVING_SLACK_HOSTS, ...extraConfig?.(dir) }),
      });
      // The floor idles beside the daemon, sampled over the same window, so load and Node version are the same.
      const floor = spawn(process.execPath, [join(BENCH_FIXTURES, 'memory-floor.cjs')], { env: buildBenchEnv(), stdio: 'ignore' });
      // Beside clawsup's own probes, the least a Node process pays to probe the same gateway every second.
      const isProbeFloorRun = name === 'clawsup' && isProbing && extraConfig === undefined;
      const probeFloor = isProbeFloorRun ? spawn(process.execPath, [join(BENCH_FIXTURES, 'bare-probe-loop.cjs'), String(port), '/healthz'], { env: buildBenchEnv(), stdio: 'ignore' }) : null;
      try {
        await sleepMs(SETTLE_MS);
        const [{ rssMiB, cpuPercent }, floorSample, probeFloorSample] = await Promise.all([
          sampleDaemon(running.daemonPid, durationMs),
          sampleDaemon(floor.pid ?? -1, durationMs),
          probeFloor === null ? null : sampleDaemon(probeFloor.pid ?? -1, durationMs),
        ]);
        const rss = summarize(rssMiB);
        const floorRss = summarize(floorSample.rssMiB);
        const overFloorMiB = rss.median - floorRss.median;
        const growthMiB = (rssMiB.at(-1) ?? 0) - (rssMiB[0] ?? 0);
        const isClawsup = name === 'clawsup';
        const probesNote = isClawsup ? (isProbing ? 'probes every 1 s' : 'no probes in this build') : 'no probes (it has none)';
        report({
          measure: 'daemon resident memory, idle',
          contender: label,
          unit: 'MiB',
          summary: rss,
          note: `${probesNote}; ${(durationMs / 60_000).toFixed(1)} min, first ${rssMiB[0]?.toFixed(1)} → last ${rssMiB.at(-1)?.toFixed(1)} MiB (${growthMiB >= 0 ? '+' : ''}${growthMiB.toFixed(1)}); floor ${floorRss.median.toFixed(1)} MiB, ${overFloorMiB >= 0 ? '+' : ''}${overFloorMiB.toFixed(1)} over it`,
          ...(overFloorTargetMiB !== undefined
            ? {
                target: `≤ floor + ${overFloorTargetMiB} MiB (${(floorRss.median + overFloorTargetMiB).toFixed(1)}), growth < ${TARGET_GROWTH_MIB} MiB`,
                isMet: overFloorMiB <= overFloorTargetMiB && growthMiB < TARGET_GROWTH_MIB,
              }
            : {}),
        });
        report({
          measure: 'daemon resident memory, idle',
          contender: `floor (bare Node ${process.version}: http, net, fs; CJS)`,
          unit: 'MiB',
          summary: floorRss,
          note: 'sampled beside the daemon, over the same window',
        });
        const cpu = summarize(cpuPercent);
        report({
          measure: `daemon CPU, idle (per ${CPU_WINDOW_MS / 1000} s window)`,
          contender: label,
          unit: '%',
          summary: cpu,
          note: `${probesNote}; ${cpuPercent.length} window(s) of ≥ ${Math.min(CPU_WINDOW_MS, durationMs) / 1000} s; /proc ticks are 10 ms, so a 100 s window resolves 0.01 %`,
          ...(isClawsup ? { target: `< ${TARGET_CPU_PERCENT} %`, isMet: cpu.median < TARGET_CPU_PERCENT } : {}),
        });
        if (probeFloorSample !== null) {
          report({
            measure: `daemon CPU, idle (per ${CPU_WINDOW_MS / 1000} s window)`,
            contender: 'floor: a bare Node that GETs /healthz every 1 s over a kept-alive socket',
            unit: '%',
            summary: summarize(probeFloorSample.cpuPercent),
            note: 'beside the daemon, over the same window, probing the same gateway: what any Node prober of it pays',
          });
        }
      } finally {
        floor.kill('SIGKILL');
        probeFloor?.kill('SIGKILL');
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
    const isLast = nowMs - startedAt >= durationMs;
    if (nowMs - windowStartMs >= CPU_WINDOW_MS || (isLast && cpuPercent.length === 0)) {
      const cpuMs = readCpuMs(pid) ?? windowStartCpuMs;
      cpuPercent.push((100 * (cpuMs - windowStartCpuMs)) / (nowMs - windowStartMs));
      windowStartMs = nowMs;
      windowStartCpuMs = cpuMs;
    }
  }
  return { rssMiB, cpuPercent };
}

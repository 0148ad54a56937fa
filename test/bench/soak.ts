// A long idle soak of clawsupd on one Node, with the memory floor and a bare prober of the same gateway beside it: RSS
// (anon and file apart) and CPU sampled every --every-s seconds into a JSON-lines file, a summary at the end. The
// daemon is set up as the idle bench's (Slack hosts that resolve; --metrics-alerts for the textfile and a webhook).
// Runs in the background for an hour; stop it early by its pid (SIGTERM).
//   node --import tsx test/bench/soak.ts --node /path/to/node --minutes 60 [--metrics-alerts] --out /tmp/soak-node20.jsonl
// CLAWSUP_BENCH_CLAWSUPD picks the clawsupd build (default dist/clawsupd.cjs); CLAWSUP_BENCH_NODE_FLAGS its flags (default: the unit's).
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, closeSync, existsSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildBenchEnv } from './lib/bench-env.js';
import { BENCH_FIXTURES, CLAWSUPD, CLAWSUPD_NODE_FLAGS, clawsupdEnv } from './lib/contenders.js';
import { pollFor, readCpuMs, readMemoryMiB, sleepMs } from './lib/proc-stats.js';
import { summarize } from './lib/stats.js';
import { freePort } from '../helpers/free-port.js';
import { metricsAndAlertsOn, probeEverySecond, RESOLVING_SLACK_HOSTS } from './measures/probe-config.js';

const { values } = parseArgs({
  options: {
    node: { type: 'string', default: process.execPath },
    minutes: { type: 'string', default: '60' },
    'every-s': { type: 'string', default: '10' },
    out: { type: 'string' },
    'metrics-alerts': { type: 'boolean', default: false },
  },
});
const hasMetricsAndAlerts = values['metrics-alerts'] === true;
const node = values.node ?? process.execPath;
const durationMs = Number(values.minutes) * 60_000;
const everyMs = Number(values['every-s']) * 1_000;
const outPath = values.out ?? join(tmpdir(), `clawsup-soak-${Date.now()}.jsonl`);

const children: ChildProcess[] = [];
const dir = mkdtempSync(join(tmpdir(), 'csb-soak-'));
let isStopping = false;

function startChild(args: string[], env: NodeJS.ProcessEnv = buildBenchEnv()): ChildProcess {
  const out = openSync('/dev/null', 'a');
  try {
    const child = spawn(node, args, { cwd: dir, env, stdio: ['ignore', out, out] });
    children.push(child);
    return child;
  } finally {
    closeSync(out);
  }
}

async function main(): Promise<void> {
  const port = await freePort();
  const statusDir = join(dir, 'status');
  const configPath = join(dir, 'clawsup.json5');
  writeFileSync(
    configPath,
    JSON.stringify({
      gateway: { command: [node, join(BENCH_FIXTURES, 'http-gateway.mjs'), String(port)], stopTimeoutMs: 2_000 },
      health: probeEverySecond(`http://127.0.0.1:${port}/healthz`),
      status: { dir: statusDir },
      control: { socket: join(dir, 'ctl.sock') },
      ...RESOLVING_SLACK_HOSTS,
      ...(hasMetricsAndAlerts ? metricsAndAlertsOn(dir) : {}),
    }),
  );
  const nodeFlags = CLAWSUPD_NODE_FLAGS;
  const daemon = startChild([...nodeFlags, CLAWSUPD, '--config', configPath], { ...buildBenchEnv(), ...clawsupdEnv() });
  const floor = startChild([join(BENCH_FIXTURES, 'memory-floor.cjs')]);
  // What any Node prober of this gateway holds and spends over the same hour: the floor for a process that works every second.
  const prober = startChild([join(BENCH_FIXTURES, 'bare-probe-loop.cjs'), String(port), '/healthz']);
  await pollFor('clawsupd status.json', () => existsSync(join(statusDir, 'status.json')));
  const nodeVersion = await readNodeVersion();
  appendFileSync(outPath, `${JSON.stringify({ kind: 'start', at: new Date().toISOString(), node, nodeVersion, clawsupd: CLAWSUPD, nodeFlags, daemonEnv: clawsupdEnv(), daemonPid: daemon.pid, floorPid: floor.pid, proberPid: prober.pid, hasMetricsAndAlerts, everyMs, durationMs })}\n`);
  process.stderr.write(`soak: pid ${process.pid}, clawsupd ${daemon.pid} and floor ${floor.pid} on Node ${nodeVersion}, writing ${outPath}\n`);

  const daemonRss: number[] = [];
  const floorRss: number[] = [];
  const proberRss: number[] = [];
  const startedAt = Date.now();
  const cpuAtStartMs = readCpuMs(daemon.pid ?? -1) ?? 0;
  const proberCpuAtStartMs = readCpuMs(prober.pid ?? -1) ?? 0;
  while (!isStopping && Date.now() - startedAt < durationMs) {
    await sleepMs(everyMs);
    const d = readMemoryMiB(daemon.pid ?? -1);
    const f = readMemoryMiB(floor.pid ?? -1);
    const p = readMemoryMiB(prober.pid ?? -1);
    if (!d || !f || !p) throw new Error('clawsupd, the floor or the bare prober ended during the soak');
    daemonRss.push(d.rssMiB);
    floorRss.push(f.rssMiB);
    proberRss.push(p.rssMiB);
    const cpuMs = readCpuMs(daemon.pid ?? -1) ?? 0;
    const sample = { kind: 'sample', tMs: Date.now() - startedAt, daemonRssMiB: d.rssMiB, daemonAnonMiB: d.anonMiB, daemonFileMiB: d.fileMiB, floorRssMiB: f.rssMiB, proberRssMiB: p.rssMiB, proberAnonMiB: p.anonMiB, proberFileMiB: p.fileMiB, daemonCpuMs: cpuMs - cpuAtStartMs };
    appendFileSync(outPath, `${JSON.stringify(sample)}\n`);
  }
  const elapsedMs = Date.now() - startedAt;
  const cpuPercent = (100 * ((readCpuMs(daemon.pid ?? -1) ?? 0) - cpuAtStartMs)) / elapsedMs;
  const proberCpuPercent = (100 * ((readCpuMs(prober.pid ?? -1) ?? 0) - proberCpuAtStartMs)) / elapsedMs;
  const daemonSummary = summarize(daemonRss);
  const floorSummary = summarize(floorRss);
  const summary = {
    kind: 'summary',
    nodeVersion,
    minutes: Math.round(elapsedMs / 600) / 100,
    samples: daemonRss.length,
    daemon: { firstMiB: daemonRss[0], lastMiB: daemonRss.at(-1), minMiB: Math.min(...daemonRss), maxMiB: Math.max(...daemonRss), medianMiB: daemonSummary.median },
    hasMetricsAndAlerts,
    floor: { medianMiB: floorSummary.median },
    prober: { firstMiB: proberRss[0], lastMiB: proberRss.at(-1), minMiB: Math.min(...proberRss), maxMiB: Math.max(...proberRss), cpuPercent: proberCpuPercent },
    overFloorMiB: daemonSummary.median - floorSummary.median,
    spreadMiB: Math.max(...daemonRss) - Math.min(...daemonRss),
    cpuPercent,
  };
  appendFileSync(outPath, `${JSON.stringify(summary)}\n`);
  process.stdout.write(`${JSON.stringify(summary)}\n`);
}

async function readNodeVersion(): Promise<string> {
  const child = spawn(node, ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] });
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  await new Promise((resolve) => child.once('exit', resolve));
  return text.trim();
}

async function stopAll(): Promise<void> {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  await Promise.all(children.map((child) => (child.exitCode === null && child.signalCode === null ? new Promise((resolve) => child.once('exit', resolve)) : null)));
  rmSync(dir, { recursive: true, force: true });
}

// SIGTERM ends the sampling early: the summary is still written, then everything started here is stopped.
process.on('SIGTERM', () => void (isStopping = true));
main()
  .catch((error: unknown) => {
    process.stderr.write(`soak: ${(error as Error).message}\n`);
    process.exitCode = 1;
  })
  .finally(() => stopAll());

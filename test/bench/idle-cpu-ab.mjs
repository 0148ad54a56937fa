// Idle CPU of clawsupd builds side by side, in one run: each build supervises its own quiet gateway with the idle
// bench's config (test/bench/measures/idle-footprint.ts: 1 s probes), and every daemon's utime+stime (/proc, 10 ms
// ticks) and RSS are sampled over the same window, so load and Node version are the same for all. Build a "before"
// with `node scripts/bundle.mjs --out-dir DIR` from an older tree (DIR needs node_modules beside it or above it).
// --settle-ms: how long after status.json appears the window starts (3000, the idle bench's; V8's memory reducer
// runs a full GC about 8 s after start, so a later start measures the steady state alone).
//   NODE_EXTRA_CA_CERTS= node test/bench/idle-cpu-ab.mjs SECONDS [--node PATH] [--settle-ms MS] [--flags "--cpu-prof ..."]
//     LABEL=BUNDLE[::{"health":{"enabled":false}}][@@--node-flags-for-this-build][##K=V K=V (its environment's own)] ...
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const FIXTURE = fileURLToPath(new URL('./fixtures/http-gateway.mjs', import.meta.url));
const args = process.argv.slice(2);
const seconds = Number(args.shift());
let nodePath = process.execPath;
let flags = [];
let settleMs = 3_000;
const builds = [];
while (args.length > 0) {
  const arg = args.shift();
  if (arg === '--node') nodePath = args.shift();
  else if (arg === '--flags') flags = args.shift().split(' ').filter(Boolean);
  else if (arg === '--settle-ms') settleMs = Number(args.shift());
  else {
    const at = arg.indexOf('=');
    const [specAndFlags, buildEnv = ''] = arg.slice(at + 1).split('##');
    const [spec, buildFlags = ''] = specAndFlags.split('@@');
    const [path, override] = spec.split('::');
    const ownEnv = Object.fromEntries(buildEnv.split(' ').filter(Boolean).map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));
    builds.push({ label: arg.slice(0, at), path, override: override ? JSON.parse(override) : {}, flags: buildFlags.split(' ').filter(Boolean), env: ownEnv });
  }
}
if (!(seconds > 0) || builds.length === 0) {
  process.stderr.write('usage: node test/bench/idle-cpu-ab.mjs SECONDS [--node PATH] [--flags "..."] LABEL=BUNDLE[::{json}][@@--flags] ...\n');
  process.exit(2);
}
const env = { ...process.env };
delete env.NODE_EXTRA_CA_CERTS;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const freePort = () =>
  new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
const readCpuMs = (pid) => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
};
const readRssMiB = (pid) => Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;

const running = [];
for (const build of builds) {
  const dir = mkdtempSync(join(tmpdir(), 'idle-ab-'));
  const port = await freePort();
  const config = {
    gateway: { command: [nodePath, FIXTURE, String(port)], stopTimeoutMs: 2_000 },
    restart: { initialDelayMs: 0, maxDelayMs: 100, failureLimit: 1e9, minUptimeMs: 0, stableAfterMs: 0 },
    health: { enabled: true, url: `http://127.0.0.1:${port}/healthz`, intervalMs: 1_000, timeoutMs: 500, failureThreshold: 3 },
    status: { dir: join(dir, 'status') },
    control: { socket: join(dir, 'ctl.sock') },
  };
  for (const [section, values] of Object.entries(build.override)) config[section] = { ...config[section], ...values };
  writeFileSync(join(dir, 'clawsup.json5'), JSON.stringify(config));
  const out = openSync(join(dir, 'daemon.log'), 'a');
  const child = spawn(nodePath, [...flags, ...build.flags, build.path, '--config', join(dir, 'clawsup.json5')], { cwd: dir, env: { ...env, ...build.env }, stdio: ['ignore', out, out] });
  running.push({ ...build, dir, child });
}
for (const run of running) {
  for (let i = 0; i < 400 && !existsSync(join(run.dir, 'status', 'status.json')); i++) await sleep(50);
}
await sleep(settleMs);
const loadAtStart = loadavg();
for (const run of running) {
  run.cpuAtStartMs = readCpuMs(run.child.pid);
  run.rssMiB = [];
}
const startedAt = Date.now();
while (Date.now() - startedAt < seconds * 1_000) {
  await sleep(1_000);
  for (const run of running) run.rssMiB.push(readRssMiB(run.child.pid));
}
const elapsedMs = Date.now() - startedAt;
for (const run of running) {
  const cpuMs = readCpuMs(run.child.pid) - run.cpuAtStartMs;
  const sorted = [...run.rssMiB].sort((a, b) => a - b);
  const status = JSON.parse(readFileSync(join(run.dir, 'status', 'status.json'), 'utf8'));
  process.stdout.write(
    `${run.label}: CPU ${cpuMs} ms over ${(elapsedMs / 1000).toFixed(1)} s = ${((100 * cpuMs) / elapsedMs).toFixed(3)} %; RSS median ${sorted[sorted.length >> 1].toFixed(1)} MiB (first ${run.rssMiB[0].toFixed(1)}, last ${run.rssMiB.at(-1).toFixed(1)}); mode ${status.mode}, restarts ${status.gateway?.restarts}\n`,
  );
}
process.stdout.write(`Node ${nodePath === process.execPath ? process.version : nodePath}; window from ${settleMs} ms after status.json; load average at start ${loadAtStart.map((v) => v.toFixed(2)).join(' ')}, at end ${loadavg().map((v) => v.toFixed(2)).join(' ')}\n`);
for (const run of running) {
  run.child.kill('SIGTERM');
  await new Promise((resolve) => (run.child.exitCode !== null ? resolve() : run.child.once('exit', resolve)));
  rmSync(run.dir, { recursive: true, force: true });
}

// Restart latency, A/B: the bare spawn loop and one or more clawsupd builds, run in interleaved blocks so that
// the machine's load moves all of them alike (the plain bench measures its rows one after the other).
//   NODE_EXTRA_CA_CERTS= node test/bench/restart-ab.mjs [--kill9] [--blocks 8] [--per-block 25] \
//     bare=bare before=/copy/dist/clawsupd.cjs after=dist/clawsupd.cjs[@--node-flag,...][#ENV=V,...]
// restart: the gateway exits 1 after 30 ms; the gap is its exit stamp to the replacement's performance.timeOrigin
// (test/bench/fixtures/restart-child.mjs). --kill9: the bench kills a gateway whose helper holds its pipes
// (pipe-holder-gateway.mjs); the gap is the kill to the replacement's time origin. Backoff 0 for clawsupd. Each row
// also gives the supervisor's own CPU (utime + stime from /proc) per restart. Run it on another Node by starting it
// with that node: every process it starts uses process.execPath.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const FIXTURES = fileURLToPath(new URL('./fixtures', import.meta.url));
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { kill9: { type: 'boolean', default: false }, blocks: { type: 'string', default: '8' }, 'per-block': { type: 'string' } },
});
const isKill9 = values.kill9;
const blocks = Number(values.blocks);
const perBlock = Number(values['per-block'] ?? (isKill9 ? 11 : 25));
if (positionals.length === 0) throw new Error('name=bare or name=path/to/clawsupd.cjs[@flags][#ENV=V] expected');
const contenders = positionals.map((spec) => {
  const [name, target] = [spec.slice(0, spec.indexOf('=')), spec.slice(spec.indexOf('=') + 1)];
  const [withFlags, envPart = ''] = target.split('#');
  const [path, flags = ''] = withFlags.split('@');
  const env = Object.fromEntries(envPart.split(',').filter(Boolean).map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));
  return { name, path, flags: flags.split(',').filter(Boolean), env, gapsMs: [], cpuMsPerRestart: [] };
});
const baseEnv = { ...process.env };
delete baseEnv.NODE_EXTRA_CA_CERTS;

const sleepMs = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const readText = (path) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
};
const cpuMsOf = (pid) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
};

/** The log's `start PID ORIGIN`, `exit PID STAMP` and `holder PID HOLDER` lines, in order. */
function readStarts(text) {
  const starts = [];
  let exitAtMs = null;
  for (const line of text.split('\n')) {
    const [kind, pid, value] = line.split(' ');
    if (kind === 'exit') exitAtMs = Number(value);
    else if (kind === 'start') {
      starts.push({ pid: Number(pid), originMs: Number(value), exitBeforeMs: exitAtMs });
      exitAtMs = null;
    } else if (kind === 'holder') {
      const start = starts.find((candidate) => candidate.pid === Number(pid));
      if (start) start.holderPid = Number(value);
    }
  }
  return starts;
}

async function runBlock(contender) {
  const dir = mkdtempSync(join(tmpdir(), 'csb-ab-'));
  const logDir = mkdtempSync(join(tmpdir(), 'csb-ab-log-'));
  const log = join(logDir, 'starts.log');
  const gateway = isKill9 ? [join(FIXTURES, 'pipe-holder-gateway.mjs'), log, '1000'] : [join(FIXTURES, 'restart-child.mjs'), log, '30'];
  let daemon;
  if (contender.path === 'bare') {
    daemon = spawn(process.execPath, [join(FIXTURES, 'bare-spawn-loop.mjs'), process.execPath, ...gateway], { env: baseEnv, stdio: 'ignore', cwd: dir });
  } else {
    const config = {
      gateway: { command: [process.execPath, ...gateway], stopTimeoutMs: 2_000 },
      restart: { initialDelayMs: 0, maxDelayMs: 100, failureLimit: 1_000_000_000, minUptimeMs: 0, stableAfterMs: 0 },
      health: { enabled: false },
      status: { dir: join(dir, 'status') },
      control: { socket: join(dir, 'ctl.sock') },
    };
    writeFileSync(join(dir, 'clawsup.json5'), JSON.stringify(config));
    const args = [...contender.flags, contender.path, '--config', join(dir, 'clawsup.json5')];
    daemon = spawn(process.execPath, args, { env: { ...baseEnv, ...contender.env }, stdio: 'ignore', cwd: dir });
  }
  const holders = [];
  try {
    if (!isKill9) {
      // The first restart can include the supervisor's own warm-up: counted from the second on.
      while (readStarts(readText(log)).length < 2) await sleepMs(10);
      const cpuStartMs = cpuMsOf(daemon.pid);
      const startsBefore = readStarts(readText(log)).length;
      while (readStarts(readText(log)).length < startsBefore + perBlock) await sleepMs(10);
      const restarts = readStarts(readText(log)).length - startsBefore;
      contender.cpuMsPerRestart.push((cpuMsOf(daemon.pid) - cpuStartMs) / restarts);
      contender.gapsMs.push(...readStarts(readText(log)).slice(startsBefore, startsBefore + perBlock).map((start) => start.originMs - start.exitBeforeMs));
    } else {
      let cpuStartMs = 0;
      // Kill 0 is the warm-up, not counted.
      for (let kill = 0; kill <= perBlock; kill += 1) {
        let current;
        while (!(current = readStarts(readText(log)).at(-1))?.holderPid) await sleepMs(5);
        holders.push(current.holderPid);
        await sleepMs(50);
        if (kill === 1) cpuStartMs = cpuMsOf(daemon.pid);
        const killedAtMs = performance.timeOrigin + performance.now();
        process.kill(current.pid, 'SIGKILL');
        let next;
        while (!(next = readStarts(readText(log)).find((start) => start.originMs > killedAtMs))) await sleepMs(5);
        if (kill > 0) contender.gapsMs.push(next.originMs - killedAtMs);
      }
      // Includes its share of reading the holders' pipes and the gateways' 50 ms of life before each kill.
      contender.cpuMsPerRestart.push((cpuMsOf(daemon.pid) - cpuStartMs) / perBlock);
      // The last replacement's holder too, so none is left when the block ends.
      const deadlineMs = Date.now() + 5_000;
      while (!readStarts(readText(log)).at(-1)?.holderPid && Date.now() < deadlineMs) await sleepMs(5);
      const lastHolderPid = readStarts(readText(log)).at(-1)?.holderPid;
      if (lastHolderPid) holders.push(lastHolderPid);
    }
  } finally {
    const exited = new Promise((resolve) => daemon.once('exit', resolve));
    daemon.kill('SIGTERM');
    await exited;
    // The bare loop kills its child; a holder outlives its gateway on purpose (it holds the pipes 1 s).
    for (const pid of holders) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    rmSync(dir, { recursive: true, force: true });
    rmSync(logDir, { recursive: true, force: true });
  }
}

const quantile = (list, q) => {
  const sorted = [...list].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
process.stdout.write(`${isKill9 ? 'kill -9 (pipes held)' : 'exit 1'} -> replacement's time origin, Node ${process.version}, ${blocks} blocks x ${perBlock}, load ${load()}\n`);
for (let block = 0; block < blocks; block += 1) for (const contender of contenders) await runBlock(contender);
for (const { name, gapsMs, cpuMsPerRestart } of contenders) {
  const line = `${name.padEnd(10)} n=${gapsMs.length} median ${quantile(gapsMs, 0.5).toFixed(2)} ms (p25 ${quantile(gapsMs, 0.25).toFixed(2)}, p75 ${quantile(gapsMs, 0.75).toFixed(2)}); own CPU per restart median ${quantile(cpuMsPerRestart, 0.5).toFixed(2)} ms`;
  process.stdout.write(`${line}\n`);
}
process.stdout.write(`load at the end ${load()}\n`);

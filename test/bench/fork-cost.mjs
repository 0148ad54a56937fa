// Does the parent's size slow its restarts? The bare spawn loop with 0 and with 40 MiB of live heap, interleaved,
// 3 rounds of 20 restarts each, the restart-latency gap (exit stamp to the next time origin). Run on each Node:
//   NODE_EXTRA_CA_CERTS= node test/bench/fork-cost.mjs
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const BALLASTS_MIB = [0, 40];
const ROUNDS = 3;
const RESTARTS = 20;
const dir = mkdtempSync(join(tmpdir(), 'csb-fork-'));

async function measureGaps(ballastMiB) {
  const logPath = join(dir, `starts-${ballastMiB}.log`);
  rmSync(logPath, { force: true });
  const loop = spawn(process.execPath, [join(FIXTURES, 'ballast-spawn-loop.mjs'), String(ballastMiB), process.execPath, join(FIXTURES, 'restart-child.mjs'), logPath, '30'], { stdio: 'ignore' });
  const deadline = Date.now() + 60_000;
  while (countStarts(logPath) <= RESTARTS + 1) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${RESTARTS} restarts`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const exited = new Promise((resolve) => loop.once('exit', resolve));
  loop.kill('SIGTERM');
  await exited;
  const gaps = [];
  let exitAtMs = null;
  for (const line of readFileSync(logPath, 'utf8').split('\n')) {
    const [kind, , stamp] = line.split(' ');
    if (kind === 'exit') exitAtMs = Number(stamp);
    else if (kind === 'start' && exitAtMs !== null) {
      gaps.push(Number(stamp) - exitAtMs);
      exitAtMs = null;
    }
  }
  return gaps.slice(1); // the first can include the loop's own warm-up
}

function countStarts(path) {
  try {
    return readFileSync(path, 'utf8').split('\n').filter((line) => line.startsWith('start')).length;
  } catch {
    return 0;
  }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
try {
  const gaps = Object.fromEntries(BALLASTS_MIB.map((mib) => [mib, []]));
  for (let round = 0; round < ROUNDS; round += 1) for (const mib of BALLASTS_MIB) gaps[mib].push(...(await measureGaps(mib)));
  for (const mib of BALLASTS_MIB) process.stdout.write(`${process.version} ballast ${mib} MiB: median ${median(gaps[mib]).toFixed(2)} ms (${gaps[mib].length} restarts)\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

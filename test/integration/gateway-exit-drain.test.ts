import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnGateway, type OutputStream } from '../../src/gateway/gateway-process.js';
import { isProcessAlive } from '../../src/gateway/process-identity.js';
import { classifyExit } from '../../src/supervisor/classify-exit.js';
import { FIXTURES } from '../helpers/daemon.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

interface Seen {
  pid: number | null;
  lines: Array<{ stream: OutputStream; line: string }>;
  exit: { code: number | null; signal: string | null; linesBefore: string[]; lastStderrLine: string | undefined; isHolderAlive: boolean } | null;
}

const pids: number[] = [];
const dirs: Array<{ remove(): void }> = [];

afterEach(() => {
  for (const pid of pids.splice(0)) if (isProcessAlive(pid)) process.kill(pid, 'SIGKILL');
  for (const dir of dirs.splice(0)) dir.remove();
});

/** Starts the fixture through spawnGateway, collecting its output by line, and returns the helper's pid. */
async function startWithHolder(mode: 'wait' | 'exit-code', outputDrainMs?: number): Promise<{ seen: Seen; holderPid: number }> {
  const dir = makeTempDir('csg-drain-');
  dirs.push(dir);
  const pidFile = join(dir.path, 'holder.pid');
  const seen: Seen = { pid: null, lines: [], exit: null };
  let holderPid = -1;
  const partial: Record<OutputStream, string> = { stdout: '', stderr: '' };
  const handle = spawnGateway(
    { command: [process.execPath, join(FIXTURES, 'pipe-holder.mjs'), pidFile, mode], cwd: dir.path, env: { PATH: process.env.PATH ?? '' }, outputDrainMs },
    {
      onSpawned: () => undefined,
      onSpawnFailed: (code, message) => {
        throw new Error(`${code}: ${message}`);
      },
      onOutput: (stream, chunk) => {
        const parts = (partial[stream] + chunk.toString()).split('\n');
        partial[stream] = parts.pop() ?? '';
        for (const line of parts) seen.lines.push({ stream, line });
      },
      onExit: (code, signal) => {
        seen.exit = {
          code,
          signal,
          linesBefore: seen.lines.map(({ line }) => line),
          lastStderrLine: seen.lines.filter(({ stream }) => stream === 'stderr').at(-1)?.line,
          isHolderAlive: holderPid > 0 && isProcessAlive(holderPid),
        };
      },
    },
  );
  seen.pid = handle.pid;
  if (handle.pid !== null) pids.push(handle.pid);
  holderPid = await waitFor('the helper pid', () => existsSync(pidFile) && Number(readFileSync(pidFile, 'utf8')) > 0 && Number(readFileSync(pidFile, 'utf8')));
  pids.push(holderPid);
  return { seen, holderPid };
}

describe('the gateway exit path', () => {
  it('reports a kill -9 at once, while a helper outside the group still holds the pipes, and passes on what the helper writes after', async () => {
    // A drain far longer than the wait below: only an exit that does not wait for the pipes can be seen in time.
    const { seen, holderPid } = await startWithHolder('wait', 60_000);
    await waitFor('the gateway to be listening', () => seen.lines.some(({ line }) => line === 'gateway listening'));
    process.kill(seen.pid ?? -1, 'SIGKILL');
    const exit = await waitFor('the exit to be reported', () => seen.exit ?? undefined, 10_000);
    expect(exit).toMatchObject({ code: null, signal: 'SIGKILL', isHolderAlive: true });
    expect(isProcessAlive(holderPid)).toBe(true);
    await waitFor('the helper line after the exit', () => seen.lines.some(({ line }) => line === 'late line from the helper'));
  });

  it('keeps a bounded drain for an exit with a code, so the last stderr line still decides the class', async () => {
    const { seen, holderPid } = await startWithHolder('exit-code');
    const exit = await waitFor('the exit to be reported', () => seen.exit ?? undefined, 10_000);
    expect(exit).toMatchObject({ code: 1, signal: null });
    // The helper still holds the pipes: the drain ended at its bound, not at the pipes' close.
    expect(isProcessAlive(holderPid)).toBe(true);
    expect(exit.lastStderrLine).toMatch(/Cannot find module/);
    const verdict = classifyExit({ code: exit.code, signal: exit.signal, uptimeMs: 1_000, isStopRequested: false, outputTail: exit.linesBefore, minUptimeMs: 500 });
    expect(verdict).toMatchObject({ class: 'structural', reason: 'module-not-found' });
  });
});

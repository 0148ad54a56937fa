import { execFileSync } from 'node:child_process';
import { readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupDaemons, FIXTURES, startDaemon, type Daemon } from '../helpers/daemon.js';
import { waitFor } from '../helpers/wait-for.js';

const node = process.execPath;
const canSetLimits = process.platform === 'linux' && hasCommand('prlimit');

afterEach(cleanupDaemons);

function hasCommand(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The daemon's lowest free descriptor number: a soft RLIMIT_NOFILE of that leaves it no descriptor to open. */
function lowestFreeFd(pid: number): number {
  const used = new Set(readdirSync(`/proc/${pid}/fd`).map(Number));
  let fd = 0;
  while (used.has(fd)) fd += 1;
  return fd;
}

function setSoftFileLimit(pid: number, soft: number): void {
  const hard = execFileSync('prlimit', ['--pid', String(pid), '--nofile', '--noheadings', '--output', 'HARD'], { encoding: 'utf8' }).trim();
  execFileSync('prlimit', ['--pid', String(pid), `--nofile=${soft}:${hard}`]);
}

/** What each of the daemon's descriptors is, as one text. */
function describeFds(pid: number): string {
  return readdirSync(`/proc/${pid}/fd`)
    .map((fd) => {
      try {
        return `${fd}=${readlinkSync(`/proc/${pid}/fd/${fd}`)}`;
      } catch {
        return fd;
      }
    })
    .join(' ');
}

/** The daemon's open sockets: the gateway's stdout and stderr are two of them. */
function countSockets(pid: number): number {
  return describeFds(pid).split(' ').filter((fd) => fd.includes('=socket:')).length;
}

const spawnFailures = (daemon: Daemon) => daemon.logs().filter((r) => r.msg === 'gateway exited' && r.reason === 'spawn-resources');

describe.skipIf(!canSetLimits)('clawsupd out of file descriptors (its RLIMIT_NOFILE lowered while it runs)', () => {
  it('keeps retrying the spawn without diagnosing, says EMFILE, claims no lost lock, and starts the gateway once descriptors are back', async () => {
    const daemon = startDaemon({
      config: { gateway: { command: [node, join(FIXTURES, 'forever.mjs')] }, restart: { initialDelayMs: 1_500, maxDelayMs: 1_500, multiplier: 1 } },
    });
    const { gateway } = await daemon.waitForStatus('healthy', (s) => s.mode === 'healthy');
    const originalSoft = execFileSync('prlimit', ['--pid', String(daemon.pid), '--nofile', '--noheadings', '--output', 'SOFT'], { encoding: 'utf8' }).trim();
    const socketsBeforeKill = countSockets(daemon.pid);
    process.kill(gateway.pid, 'SIGKILL');
    await daemon.waitForLog('gateway exited', (r) => r.msg === 'gateway exited');
    // A killed gateway is reported before its pipes close (the restart waits for no pipe): once they have, and no
    // status write holds a descriptor for a moment, the daemon may open nothing more.
    let previousFds = '';
    await waitFor("the dead gateway's pipes closed and the daemon's descriptors settled", () => {
      const fds = describeFds(daemon.pid);
      const isSettled = fds === previousFds && countSockets(daemon.pid) <= socketsBeforeKill - 2;
      previousFds = fds;
      return isSettled;
    }, 15_000, 50);
    setSoftFileLimit(daemon.pid, lowestFreeFd(daemon.pid));
    try {
      // Three retries 1.5 s apart span the lock check (every 2 s) at least twice.
      await waitFor('three spawns refused for EMFILE', () => spawnFailures(daemon).length >= 3, 15_000);
    } finally {
      setSoftFileLimit(daemon.pid, Number(originalSoft));
    }
    expect(spawnFailures(daemon)[0]).toMatchObject({ level: 'warn', class: 'transient' });
    // The kill counted once; the refused spawns not at all. Each exit's retry is logged right after it: wait for the line.
    const refused = spawnFailures(daemon).length;
    const scheduled = await waitFor('a retry scheduled for each refused spawn', () => {
      const lines = daemon.logs().filter((r) => r.msg === 'gateway restart scheduled');
      return lines.length >= refused + 1 ? lines : undefined;
    }, 10_000);
    expect(scheduled.map((r) => r.failuresInWindow)).toEqual(Array(scheduled.length).fill(1));
    expect(daemon.logs().some((r) => r.msg === 'diagnose mode: gateway not restarted')).toBe(false);
    expect(daemon.logs().filter((r) => String(r.msg).startsWith('instance lock was removed'))).toEqual([]);
    // What it could not do instead, with the real errno, once.
    expect(daemon.logs().filter((r) => r.msg === 'cannot read the instance lock: checking again later')).toEqual([expect.objectContaining({ level: 'warn', errno: 'EMFILE' })]);
    const back = await daemon.waitForStatus('a new gateway running', (s) => s.mode === 'healthy' && s.gateway.pid !== gateway.pid);
    expect(back.gateway.lastExit).toMatchObject({ reason: 'spawn-resources', evidence: expect.arrayContaining([expect.stringContaining('spawn failed: EMFILE')]) });
    expect(daemon.stderr()).not.toMatch(/internal error|\n\s+at /);
  });
});

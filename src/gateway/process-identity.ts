import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcStat {
  /** R, S, D, Z (a zombie waiting for its reaper), ... */
  state: string;
  pgid: number;
  /** Clock ticks after boot: with the pid, it names one process for good. */
  startTime: string | null;
}

/** The fields of /proc/PID/stat clawsup uses (Linux); null when the process is gone or unreadable. */
export function readProcStat(pid: number): ProcStat | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: count fields after its closing ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '', pgid: Number(fields[2]), startTime: fields[19] ?? null };
  } catch {
    return null;
  }
}

/** Every pid in /proc (Linux); empty when /proc cannot be read. */
export function listProcPids(): number[] {
  try {
    return readdirSync('/proc').filter((entry) => /^\d+$/.test(entry)).map(Number);
  } catch {
    return [];
  }
}

/** A pid is reused by the kernel; its start time tells the process we recorded from a newcomer with the same pid. */
export function readProcessStartTime(pid: number): string | null {
  if (process.platform === 'linux') return readProcStat(pid)?.startTime ?? null;
  try {
    const started = execFileSync('ps', ['-o', 'lstart=', '-p', String(pid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return started.trim() || null;
  } catch {
    return null;
  }
}

export function isProcessAlive(pid: number): boolean {
  // 0 and negative pids name process groups to kill(2): never "a process".
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True when `pid` is alive and is the same process that was recorded with `startTime`. */
export function isSameProcess(pid: number, startTime: string | null): boolean {
  if (!isProcessAlive(pid)) return false;
  const current = readProcessStartTime(pid);
  return startTime === null || current === null || current === startTime;
}

/**
 * Signals a whole process group; false when none of it could be signalled: gone (ESRCH), or a member that is not
 * ours to signal (EPERM, e.g. a setuid helper the gateway started), which must not crash the daemon.
 */
export function signalProcessGroup(pgid: number, signal: NodeJS.Signals): boolean {
  // kill(-0) would signal clawsupd's own group and kill(-(-1)) pid 1: a bad pgid signals nothing.
  if (!Number.isSafeInteger(pgid) || pgid <= 1) return false;
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ESRCH' || code === 'EPERM') return false;
    throw error;
  }
}

/** True while any process of the group runs; zombies (dead, waiting for their reaper) do not count. */
export function isProcessGroupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return process.platform === 'linux' ? hasLiveMemberOnLinux(pgid) : true;
}

function hasLiveMemberOnLinux(pgid: number): boolean {
  return listProcPids().some((pid) => {
    const stat = readProcStat(pid);
    return stat !== null && stat.pgid === pgid && stat.state !== 'Z';
  });
}

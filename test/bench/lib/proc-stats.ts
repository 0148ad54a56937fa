import { readFileSync } from 'node:fs';

/** Resident memory of a process now and at its peak, in MiB, from /proc/PID/status; anon (heaps) and file (code) apart. */
export function readMemoryMiB(pid: number): { rssMiB: number; peakMiB: number; anonMiB: number; fileMiB: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? Number.NaN) / 1024;
    return { rssMiB: field('VmRSS'), peakMiB: field('VmHWM'), anonMiB: field('RssAnon'), fileMiB: field('RssFile') };
  } catch {
    return null;
  }
}

/** CPU time a process has used (user + system), in milliseconds, from /proc/PID/stat. */
export function readCpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

// USER_HZ: 100 on every Linux the project runs on (getconf CLK_TCK).
const CLOCK_TICKS_PER_SECOND = 100;

export { isProcessAlive as isPidAlive } from '../../../src/gateway/process-identity.js';

export function sleepMs(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls until `probe` returns a value, or throws after `timeoutMs`. */
export async function pollFor<T>(what: string, probe: () => T | undefined | null | false, timeoutMs = 20_000, intervalMs = 10): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleepMs(intervalMs);
  }
}

import { chownSync, readFileSync, statSync } from 'node:fs';
import JSON5 from 'json5';
import { writeFileAtomic } from '../status/atomic-file.js';

/**
 * How the gateway's cron is turned on and off. The gateway (2026.9.6) hot-reloads a change under `cron` (its reload
 * plan's `restartCron`, which rebuilds the cron service from `cron.enabled`), so no restart is needed.
 */
export interface CronSwitch {
  /** Whether the gateway's cron is on as far as its config says; a missing file or key means on (the gateway's default). */
  isOn(): boolean;
  set(isOn: boolean): void;
}

/** `cron.enabled` in the gateway's own config file: clawsup owns that key while cron.leader is on. `onWritten` after each write. */
export function createConfigCronSwitch(openclawConfigPath: string, skipMissedJobs: boolean | null, onWritten: (path: string) => void = () => undefined): CronSwitch {
  return {
    isOn: () => readCronEnabled(openclawConfigPath),
    set: (isOn) => {
      if (writeCronEnabled(openclawConfigPath, isOn, skipMissedJobs)) onWritten(openclawConfigPath);
    },
  };
}

export function readCronEnabled(path: string): boolean {
  const parsed = readConfigObject(path);
  const cron = parsed['cron'];
  if (typeof cron !== 'object' || cron === null) return true;
  return (cron as Record<string, unknown>)['enabled'] !== false;
}

/**
 * Writes `cron.enabled` (and `cron.skipMissedJobs` unless null) only when they differ, atomically (the gateway never
 * reads half a file), keeping the file's mode and owner. The file is written back as JSON: comments in it are not kept.
 * Returns whether it wrote.
 */
export function writeCronEnabled(path: string, isOn: boolean, skipMissedJobs: boolean | null = null): boolean {
  const parsed = readConfigObject(path);
  const cron = typeof parsed['cron'] === 'object' && parsed['cron'] !== null ? (parsed['cron'] as Record<string, unknown>) : {};
  const isSkipSame = skipMissedJobs === null || cron['skipMissedJobs'] === skipMissedJobs;
  if (cron['enabled'] === isOn && isSkipSame) return false;
  const next = { ...parsed, cron: { ...cron, enabled: isOn, ...(skipMissedJobs === null ? {} : { skipMissedJobs }) } };
  let mode = 0o600;
  let owner: { uid: number; gid: number } | null = null;
  try {
    const stat = statSync(path);
    mode = stat.mode & 0o777;
    owner = { uid: stat.uid, gid: stat.gid };
  } catch {
    // A new file: owner-only, as OpenClaw writes its own.
  }
  writeFileAtomic(path, `${JSON.stringify(next, null, 2)}\n`, { mode, isDurable: false });
  if (owner !== null && process.getuid?.() === 0) chownSync(path, owner.uid, owner.gid);
  return true;
}

function readConfigObject(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  const parsed = JSON5.parse(text) as unknown;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`${path}: the OpenClaw config is not an object`);
  return parsed as Record<string, unknown>;
}

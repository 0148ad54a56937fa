import { readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonAtomic } from '../status/atomic-file.js';
import { findMarkedProcesses, readOrCreateGatewayMark, type MarkedProcess } from './marked-processes.js';
import { isProcessGroupAlive, isSameProcess, readProcessStartTime, signalProcessGroup } from './process-identity.js';

/** The running gateway as written to the status dir, so a clawsupd that was SIGKILLed can be followed by one that finds it. */
export interface GatewayRecord {
  pid: number;
  startTime: string | null;
  startedAt: string;
  command: string[];
}

const RECORD_FILE = 'gateway.pid.json';

export function recordGateway(statusDir: string, pid: number, command: string[]): void {
  const record: GatewayRecord = { pid, startTime: readProcessStartTime(pid), startedAt: new Date().toISOString(), command };
  writeJsonAtomic(join(statusDir, RECORD_FILE), record);
}

export function forgetGateway(statusDir: string): void {
  try {
    unlinkSync(join(statusDir, RECORD_FILE));
  } catch {
    // Nothing recorded.
  }
}

export function readGatewayRecord(statusDir: string): GatewayRecord | null {
  try {
    const parsed = JSON.parse(readFileSync(join(statusDir, RECORD_FILE), 'utf8')) as Partial<GatewayRecord>;
    if (typeof parsed.pid !== 'number' || parsed.pid <= 1) return null;
    return {
      pid: parsed.pid,
      startTime: parsed.startTime ?? null,
      startedAt: parsed.startedAt ?? 'unknown',
      command: Array.isArray(parsed.command) ? parsed.command : [],
    };
  } catch {
    return null;
  }
}

export interface ReapResult {
  found: GatewayRecord | null;
  wasAlive: boolean;
  neededSigkill: boolean;
  /** Marked processes no record named (clawsupd died between spawn and record), stopped as well. */
  strayPids: number[];
}

/** Stops the recorded orphan, then any process still carrying this status dir's mark. */
export async function reapOrphanGateway(statusDir: string, stopTimeoutMs: number): Promise<ReapResult> {
  const recorded = await reapRecordedGateway(statusDir, stopTimeoutMs);
  const mark = readOrCreateGatewayMark(statusDir);
  const strays = findMarkedProcesses(mark);
  if (strays.length === 0) return { ...recorded, strayPids: [] };
  signalMarked(strays, 'SIGTERM');
  const strayPids = strays.map((stray) => stray.pid);
  // Only the strays' own /proc entries, every 25 ms: not the environment of every process on the host.
  const stillMarked = (): MarkedProcess[] => findMarkedProcesses(mark, strayPids);
  const isGone = await waitUntil(() => stillMarked().length === 0, stopTimeoutMs);
  if (!isGone) {
    // Only what still carries the mark now: a pid that ended meanwhile may belong to someone else already.
    signalMarked(stillMarked(), 'SIGKILL');
    await waitUntil(() => stillMarked().length === 0, 5_000);
  }
  return { ...recorded, neededSigkill: recorded.neededSigkill || !isGone, strayPids };
}

/** A group is signalled only when its leader carries the mark itself; any other marked process, on its own. */
function signalMarked(marked: readonly MarkedProcess[], signal: NodeJS.Signals): void {
  const markedLeaders = new Set(marked.filter((p) => p.pid === p.pgid).map((p) => p.pgid));
  for (const pgid of markedLeaders) signalProcessGroup(pgid, signal);
  for (const p of marked) if (!markedLeaders.has(p.pgid)) signalProcess(p.pid, signal);
}

function signalProcess(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}

/**
 * Stops a gateway left behind by an earlier clawsupd. Its group is signalled only when the leader is the very
 * process recorded, or when the leader is gone but its group lives on (the kernel never reuses a live group id).
 */
async function reapRecordedGateway(statusDir: string, stopTimeoutMs: number): Promise<Omit<ReapResult, 'strayPids'>> {
  const found = readGatewayRecord(statusDir);
  if (!found) return { found: null, wasAlive: false, neededSigkill: false };
  const isLeaderOurs = isSameProcess(found.pid, found.startTime);
  const isGroupAlive = isProcessGroupAlive(found.pid);
  const leaderAlive = isSameProcess(found.pid, null);
  if (!isLeaderOurs && (leaderAlive || !isGroupAlive)) {
    forgetGateway(statusDir);
    return { found, wasAlive: false, neededSigkill: false };
  }
  signalProcessGroup(found.pid, 'SIGTERM');
  const isGone = await waitUntil(() => !isProcessGroupAlive(found.pid), stopTimeoutMs);
  if (!isGone) {
    signalProcessGroup(found.pid, 'SIGKILL');
    await waitUntil(() => !isProcessGroupAlive(found.pid), 5_000);
  }
  forgetGateway(statusDir);
  return { found, wasAlive: true, neededSigkill: !isGone };
}

async function waitUntil(predicate: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (predicate()) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return predicate();
}

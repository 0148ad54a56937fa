import { existsSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonAtomic } from '../status/atomic-file.js';
import { readRegularFile } from '../status/read-regular-file.js';
import { currentUid } from '../status/safe-folder.js';
import { findMarkedProcesses, keepGatewayMark, readOrCreateGatewayMark, type MarkedProcess } from './marked-processes.js';
import { isProcessGroupAlive, isSameProcess, readProcessStartTime, signalProcessGroup } from './process-identity.js';

/** The running gateway as written to the status dir, so a clawsupd that was SIGKILLed can be followed by one that finds it. */
export interface GatewayRecord {
  pid: number;
  startTime: string | null;
  startedAt: string;
  command: string[];
}

/** A record as read back: only one with a start time names a process, since a bare pid may be anyone's by now. */
export type TrustedGatewayRecord = GatewayRecord & { startTime: string };

const RECORD_FILE = 'gateway.pid.json';
// A record is a few hundred bytes; a bigger file is not one of ours.
const MAX_RECORD_BYTES = 64 * 1024;

/** Writes the record and returns it, so the caller can put it back if the status dir loses it (see keepGatewayFiles). */
export function recordGateway(statusDir: string, pid: number, command: string[]): GatewayRecord {
  const record: GatewayRecord = { pid, startTime: readProcessStartTime(pid), startedAt: new Date().toISOString(), command };
  writeJsonAtomic(join(statusDir, RECORD_FILE), record);
  return record;
}

/**
 * Puts the mark and the current gateway's record back when the status dir was removed under a running clawsupd (the
 * lock check finds that), so a clawsupd started after this one dies still finds and stops the gateway.
 * `gateway` is the live gateway (the record recordGateway returned, or its pid and start from the status), or null.
 */
export function keepGatewayFiles(statusDir: string, mark: string, gateway: GatewayRecord | { pid: number | null; startedAt: string | null } | null): void {
  keepGatewayMark(statusDir, mark);
  if (gateway === null || gateway.pid === null) return;
  const path = join(statusDir, RECORD_FILE);
  if (existsSync(path)) return;
  const record: GatewayRecord =
    'command' in gateway
      ? gateway
      : { pid: gateway.pid, startTime: readProcessStartTime(gateway.pid), startedAt: gateway.startedAt ?? new Date().toISOString(), command: [] };
  writeJsonAtomic(path, record);
}

export function forgetGateway(statusDir: string): void {
  try {
    unlinkSync(join(statusDir, RECORD_FILE));
  } catch {
    // Nothing recorded.
  }
}

/** The record, when it names a process by pid and start time; anything else is no record. */
export function readGatewayRecord(statusDir: string): TrustedGatewayRecord | null {
  return readRecordFile(join(statusDir, RECORD_FILE))?.record ?? null;
}

function readRecordFile(path: string): { record: TrustedGatewayRecord; ownerUid: number } | null {
  const read = readRegularFile(path, MAX_RECORD_BYTES);
  if (!read.ok) return null;
  try {
    const parsed = JSON.parse(read.text) as Partial<GatewayRecord>;
    if (typeof parsed.pid !== 'number' || !Number.isInteger(parsed.pid) || parsed.pid <= 1) return null;
    if (typeof parsed.startTime !== 'string' || parsed.startTime === '') return null;
    const record: TrustedGatewayRecord = {
      pid: parsed.pid,
      startTime: parsed.startTime,
      startedAt: typeof parsed.startedAt === 'string' ? parsed.startedAt : 'unknown',
      command: Array.isArray(parsed.command) ? parsed.command.filter((arg): arg is string => typeof arg === 'string') : [],
    };
    return { record, ownerUid: read.ownerUid };
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
  /** This status dir's gateway mark, for keepGatewayFiles. */
  mark: string;
}

/** Stops the recorded orphan, then any process still carrying this status dir's mark. */
export async function reapOrphanGateway(statusDir: string, stopTimeoutMs: number): Promise<ReapResult> {
  const recorded = await reapRecordedGateway(statusDir, stopTimeoutMs);
  const mark = readOrCreateGatewayMark(statusDir);
  const strays = findMarkedProcesses(mark);
  if (strays.length === 0) return { ...recorded, strayPids: [], mark };
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
  return { ...recorded, neededSigkill: recorded.neededSigkill || !isGone, strayPids, mark };
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
async function reapRecordedGateway(statusDir: string, stopTimeoutMs: number): Promise<Omit<ReapResult, 'strayPids' | 'mark'>> {
  const read = readRecordFile(join(statusDir, RECORD_FILE));
  // Only a record this user (or root) wrote may make it signal anything.
  if (read === null || (read.ownerUid !== currentUid() && read.ownerUid !== 0)) return { found: null, wasAlive: false, neededSigkill: false };
  const found = read.record;
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

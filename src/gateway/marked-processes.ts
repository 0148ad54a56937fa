import { existsSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { randomHex } from '../random-hex.js';
import { writeFileAtomic } from '../status/atomic-file.js';
import { readRegularFile } from '../status/read-regular-file.js';
import { currentUid } from '../status/safe-folder.js';
import { listProcPids, readProcStat } from './process-identity.js';

/**
 * Set in the gateway's environment to this status dir's random mark, so its gateways (and their workers) can be found
 * even when no record names them. A random value, not a path: nobody sets it by accident, and a container using the
 * same default path has a mark of its own.
 */
export const GATEWAY_MARKER_VARIABLE = 'CLAWSUP_GATEWAY_MARK';

const MARK_FILE = 'gateway-mark';
const MARK_PATTERN = /^[0-9a-f]{32}$/;
// Whoever reads the mark can hide a process among the gateways, or find them: the owner only.
const MARK_MODE = 0o600;
// A mark is 33 bytes; a bigger file is not one of ours.
const MAX_MARK_BYTES = 4 * 1024;

/** The status dir's mark, made on first use and kept in the status dir so the next clawsupd finds the same gateways. */
export function readOrCreateGatewayMark(statusDir: string): string {
  const path = join(statusDir, MARK_FILE);
  const found = readMarkFile(path);
  if (found !== null && found.isOwnerOnly) return found.mark;
  // A mark from before it was owner-only keeps its value (its gateways may still run) and loses the wider mode.
  const mark = found?.mark ?? randomHex(16);
  writeMark(path, mark);
  return mark;
}

/** Puts the mark back if the status dir was removed under a running clawsupd. */
export function keepGatewayMark(statusDir: string, mark: string): void {
  const path = join(statusDir, MARK_FILE);
  if (!existsSync(path)) writeMark(path, mark);
}

function writeMark(path: string, mark: string): void {
  writeFileAtomic(path, `${mark}\n`, { mode: MARK_MODE, isDurable: true });
}

/** The mark in the file, when it is a regular file of this user's (or root's), read without following a link. */
function readMarkFile(path: string): { mark: string; isOwnerOnly: boolean } | null {
  const read = readRegularFile(path, MAX_MARK_BYTES);
  if (!read.ok || (read.ownerUid !== currentUid() && read.ownerUid !== 0)) return null;
  const mark = read.text.trim();
  return MARK_PATTERN.test(mark) ? { mark, isOwnerOnly: (read.mode & 0o077) === 0 } : null;
}

export interface MarkedProcess {
  pid: number;
  pgid: number;
}

/**
 * Processes whose environment carries `mark`: the gateways and workers of an earlier clawsupd, including one killed
 * between spawning a gateway and recording its pid. Never this process or its group, never another mount namespace
 * (a container). `onlyPids` narrows the look to those pids. Linux only (/proc); elsewhere the pid record is all there is.
 */
export function findMarkedProcesses(mark: string, onlyPids?: readonly number[]): MarkedProcess[] {
  if (process.platform !== 'linux') return [];
  const needle = Buffer.from(`${GATEWAY_MARKER_VARIABLE}=${mark}\0`);
  const ownMountNamespace = readLink('/proc/self/ns/mnt');
  const ownGroup = readProcStat(process.pid)?.pgid ?? null;
  const found: MarkedProcess[] = [];
  for (const pid of onlyPids ?? listProcPids()) {
    if (pid === process.pid) continue;
    try {
      const environ = readFileSync(`/proc/${pid}/environ`);
      const at = environ.indexOf(needle);
      if (at === -1 || (at > 0 && environ[at - 1] !== 0)) continue;
      if (readLink(`/proc/${pid}/ns/mnt`) !== ownMountNamespace) continue;
      const fields = readProcStat(pid);
      if (fields === null || fields.state === 'Z' || fields.pgid === ownGroup) continue;
      found.push({ pid, pgid: fields.pgid });
    } catch {
      // Gone, or not ours to read.
    }
  }
  return found;
}

function readLink(path: string): string | null {
  try {
    return readlinkSync(path);
  } catch {
    return null;
  }
}

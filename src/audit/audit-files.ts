import { readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonAtomic } from '../status/atomic-file.js';
import { readRegularFile } from '../status/read-regular-file.js';
import { CAPABILITY_KINDS, CHECK_RESULTS, type AuditSnapshot } from './capability.js';
import { chooseSnapshotsToDelete, snapshotNameOf } from './audit-summary.js';

/** Snapshots kept in status.dir/audit besides latest.json and baseline.json. */
export const SNAPSHOTS_KEPT = 60;
// A snapshot of a few hundred capabilities is tens of KiB; a bigger file is not one of ours.
const MAX_SNAPSHOT_BYTES = 16 * 1024 * 1024;

export interface Baseline {
  at: string;
  /** Saved by `clawctl audit --save-baseline`; false for the first healthy audit standing in until one is. */
  isSaved: boolean;
  snapshot: AuditSnapshot;
}

export const auditDirOf = (statusDir: string): string => join(statusDir, 'audit');

/** Writes the snapshot under its time and as latest.json, then drops the oldest past SNAPSHOTS_KEPT. */
export function writeSnapshot(auditDir: string, snapshot: AuditSnapshot): string {
  const path = join(auditDir, snapshotNameOf(snapshot.at));
  writeJsonAtomic(path, snapshot);
  writeJsonAtomic(join(auditDir, 'latest.json'), snapshot);
  for (const name of chooseSnapshotsToDelete(readdirSync(auditDir), SNAPSHOTS_KEPT)) {
    try {
      unlinkSync(join(auditDir, name));
    } catch {
      // Another writer (clawctl beside the daemon) removed it first.
    }
  }
  return path;
}

export function writeBaseline(auditDir: string, snapshot: AuditSnapshot, isSaved: boolean): Baseline {
  const baseline: Baseline = { at: snapshot.at, isSaved, snapshot };
  writeJsonAtomic(join(auditDir, 'baseline.json'), baseline);
  return baseline;
}

export function readBaseline(auditDir: string): Baseline | null {
  const raw = readJson(join(auditDir, 'baseline.json'));
  if (raw === null || typeof raw !== 'object') return null;
  const { at, isSaved, snapshot } = raw as Partial<Baseline>;
  return typeof at === 'string' && typeof isSaved === 'boolean' && isSnapshot(snapshot) ? { at, isSaved, snapshot } : null;
}

export function readLatest(auditDir: string): AuditSnapshot | null {
  const raw = readJson(join(auditDir, 'latest.json'));
  return isSnapshot(raw) ? raw : null;
}

/**
 * A snapshot named on the command line: `latest`, `baseline`, a file name in the audit folder, or a path. Throws an
 * Error naming the file and what is wrong with it.
 */
export function readSnapshotArg(auditDir: string, name: string): AuditSnapshot {
  if (name === 'baseline') {
    const baseline = readBaseline(auditDir);
    if (baseline === null) throw new Error(`no baseline in ${auditDir} (run clawctl audit --save-baseline)`);
    return baseline.snapshot;
  }
  const path = name === 'latest' ? join(auditDir, 'latest.json') : name.includes('/') ? name : join(auditDir, name.endsWith('.json') ? name : `${name}.json`);
  const read = readRegularFile(path, MAX_SNAPSHOT_BYTES);
  if (!read.ok) throw new Error(`cannot read audit snapshot ${path}: ${read.problem}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(read.text);
  } catch (error) {
    throw new Error(`audit snapshot ${path} is not JSON: ${(error as Error).message}`);
  }
  if (!isSnapshot(parsed)) throw new Error(`${path} is not an audit snapshot (expected { at, capabilities: [...] })`);
  return parsed;
}

// A FIFO or a link to /dev/zero here must not freeze the daemon or clawctl: read as a regular file or not at all.
function readJson(path: string): unknown {
  const read = readRegularFile(path, MAX_SNAPSHOT_BYTES);
  if (!read.ok) return null;
  try {
    return JSON.parse(read.text) as unknown;
  } catch {
    return null;
  }
}

function isSnapshot(value: unknown): value is AuditSnapshot {
  if (typeof value !== 'object' || value === null) return false;
  const { at, capabilities } = value as Partial<AuditSnapshot>;
  return (
    typeof at === 'string' &&
    Array.isArray(capabilities) &&
    capabilities.every(
      (capability) =>
        typeof capability?.id === 'string' &&
        (CAPABILITY_KINDS as readonly string[]).includes(capability.kind) &&
        (CHECK_RESULTS as readonly string[]).includes(capability.result),
    )
  );
}

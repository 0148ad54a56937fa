import type { ApplyOutcome } from './apply-machine.js';

/** Who asked: what clawctl says of itself. Node cannot read a Unix socket peer's credentials, so the daemon cannot check it. */
export interface ApplyRequester {
  uid: number | null;
  user: string | null;
}

export const REQUESTER_NOTE = 'reported by clawctl; clawsupd cannot verify a Unix socket peer';

/** One line of status.dir/gateway-config/history.ndjson. */
export interface HistoryRecord {
  id: string;
  at: string;
  kind: 'apply' | 'rollback' | 'adopt';
  who: ApplyRequester & { note: string };
  /** The file clawctl read the candidate from (or the backup id a rollback restored). */
  source: string;
  outcome: ApplyOutcome | 'adopted';
  reason: string | null;
  validator: 'openclaw' | 'parse-only' | null;
  /** The live config's hash before, and the candidate's: owned keys stripped. */
  previousHash: string | null;
  candidateHash: string;
  /** The backup of the config that was live before this apply (what `rollback ID` restores); null when none was taken. */
  backupFile: string | null;
  changedKeys: Array<{ path: string; change: 'added' | 'removed' | 'changed' }>;
  durationMs: number;
  /** Capabilities `ok` in the audit before the swap and failed or gone after the restart (what rolled it back). */
  capabilitiesLost?: string[];
  /** The apply's audit snapshots in backups/ (`<id>.audit-before.json`, `<id>.audit-after.json`). */
  auditFiles?: string[];
}

/** The id of an apply: its time and a counter, sortable and safe in a file name. */
export function makeApplyId(atMs: number, sequence: number): string {
  const stamp = new Date(atMs).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
  return `${stamp}-${String(sequence).padStart(3, '0')}`;
}

export const APPLY_ID_PATTERN = /^\d{8}T\d{6}Z-\d{3}$/;

/** The record a rollback without an id restores: the latest apply that was kept and has a backup. */
export function findRollbackTarget(history: readonly HistoryRecord[], id: string | undefined): HistoryRecord | { error: string } {
  if (id !== undefined) {
    const found = history.find((record) => record.id === id);
    if (found === undefined) return { error: `no apply ${id} in the history (clawctl gateway-config history lists them)` };
    if (found.backupFile === null) return { error: `apply ${id} has no backup (it was ${found.outcome} before the swap)` };
    return found;
  }
  const latest = [...history].reverse().find((record) => record.outcome === 'applied' && record.backupFile !== null);
  return latest ?? { error: 'no applied config with a backup in the history: nothing to roll back to' };
}

/** Backups to delete so that at most `keep` remain, oldest first; files still named by history lines may go (the line stays). */
export function pickBackupsToPrune(backupFiles: readonly string[], keep: number): string[] {
  const sorted = [...backupFiles].sort();
  return sorted.slice(0, Math.max(0, sorted.length - keep));
}

/** One line of `clawctl gateway-config history`. */
export function formatHistoryLine(record: HistoryRecord): string {
  const who = record.who.user ?? (record.who.uid === null ? 'unknown' : `uid ${record.who.uid}`);
  const keys = record.changedKeys.length === 0 ? 'no key changed' : record.changedKeys.slice(0, 5).map((change) => `${change.change === 'added' ? '+' : change.change === 'removed' ? '-' : '~'}${change.path}`).join(' ');
  const more = record.changedKeys.length > 5 ? ` (+${record.changedKeys.length - 5} more)` : '';
  const reason = record.reason === null ? '' : ` (${record.reason})`;
  return `${record.id}  ${record.at}  ${record.kind}  ${record.outcome}${reason}  by ${who}  ${keys}${more}`;
}

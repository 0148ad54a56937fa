import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import JSON5 from 'json5';
import { writeFileAtomic, writeJsonAtomic } from '../status/atomic-file.js';
import type { HistoryRecord } from './history-record.js';
import { pickBackupsToPrune } from './history-record.js';
import { canonicalJson, stripOwnedKeys, type OwnedKeyPath } from './owned-keys.js';

/** status.dir/gateway-config/: the backups (0600: the operator's own config, secrets and all), the history, the applied hash. */
export interface ConfigStore {
  dir: string;
  readApplied(): { id: string; hash: string; at: string } | null;
  writeApplied(applied: { id: string; hash: string; at: string }): void;
  readHistory(): HistoryRecord[];
  appendHistory(record: HistoryRecord): void;
  /** `before`: the config live before apply `id` (what rollback restores); `applied`: what apply `id` put in (what diff compares). */
  writeBackup(id: string, kind: 'before' | 'applied', content: string): string;
  readBackup(file: string): string;
  /** An apply's capability audit (`before`: of the config it replaced, kept with that backup); returns the file name. */
  writeAuditSnapshot(id: string, when: 'before' | 'after', snapshot: unknown): string;
  pruneBackups(keep: number): void;
  /** The apply under way, written before the swap and removed once it is recorded: found at start, it was interrupted. */
  readJournal(): ApplyJournal | null;
  writeJournal(journal: ApplyJournal): void;
  removeJournal(): void;
  /** The validator's staged copies a killed clawsupd left behind (candidate-<pid>.json5). */
  removeStagedCandidates(): void;
}

export interface ApplyJournal {
  id: string;
  kind: 'apply' | 'rollback';
  source: string;
  who: { uid: number | null; user: string | null };
  backupFile: string | null;
  previousHash: string | null;
  startedAt: string;
}

const JOURNAL_FILE = 'apply-journal.json';

const HISTORY_FILE = 'history.ndjson';
const APPLIED_FILE = 'applied.json';
const BACKUPS_DIR = 'backups';
// The history file is rewritten whole (atomically) on each apply, so it stays bounded.
const MAX_HISTORY_RECORDS = 500;
const PRIVATE_FILE = { mode: 0o600, isDurable: true } as const;

export function createConfigStore(statusDir: string): ConfigStore {
  const dir = join(statusDir, 'gateway-config');
  const backupsDir = join(dir, BACKUPS_DIR);
  const ensureDirs = (): void => {
    mkdirSync(backupsDir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
    chmodSync(backupsDir, 0o700);
  };
  const readHistory = (): HistoryRecord[] => {
    const path = join(dir, HISTORY_FILE);
    if (!existsSync(path)) return [];
    const records: HistoryRecord[] = [];
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      try {
        records.push(JSON.parse(line) as HistoryRecord);
      } catch {
        // A torn last line (a crash mid-write of an older version) is skipped.
      }
    }
    return records;
  };
  return {
    dir,
    readApplied() {
      try {
        return JSON.parse(readFileSync(join(dir, APPLIED_FILE), 'utf8')) as { id: string; hash: string; at: string };
      } catch {
        return null;
      }
    },
    writeApplied(applied) {
      ensureDirs();
      writeJsonAtomic(join(dir, APPLIED_FILE), applied, PRIVATE_FILE);
    },
    readHistory,
    appendHistory(record) {
      ensureDirs();
      const records = [...readHistory(), record].slice(-MAX_HISTORY_RECORDS);
      writeFileAtomic(join(dir, HISTORY_FILE), records.map((each) => JSON.stringify(each)).join('\n') + '\n', PRIVATE_FILE);
    },
    writeBackup(id, kind, content) {
      ensureDirs();
      const file = `${id}.${kind}.json5`;
      writeFileAtomic(join(backupsDir, file), content, PRIVATE_FILE);
      return file;
    },
    writeAuditSnapshot(id, when, snapshot) {
      ensureDirs();
      const file = `${id}.audit-${when}.json`;
      writeJsonAtomic(join(backupsDir, file), snapshot, PRIVATE_FILE);
      return file;
    },
    readBackup(file) {
      return readFileSync(join(backupsDir, file), 'utf8');
    },
    readJournal() {
      try {
        return JSON.parse(readFileSync(join(dir, JOURNAL_FILE), 'utf8')) as ApplyJournal;
      } catch {
        return null;
      }
    },
    writeJournal(journal) {
      ensureDirs();
      writeJsonAtomic(join(dir, JOURNAL_FILE), journal, PRIVATE_FILE);
    },
    removeJournal() {
      try {
        unlinkSync(join(dir, JOURNAL_FILE));
      } catch {
        // Not there: nothing was under way.
      }
    },
    removeStagedCandidates() {
      if (!existsSync(dir)) return;
      for (const name of readdirSync(dir).filter((each) => /^candidate-\d+\.json5$/.test(each))) {
        try {
          unlinkSync(join(dir, name));
        } catch {
          // Gone already.
        }
      }
    },
    pruneBackups(keep) {
      if (!existsSync(backupsDir)) return;
      const files = readdirSync(backupsDir);
      for (const kind of ['.before.json5', '.applied.json5', '.audit-before.json', '.audit-after.json']) {
        for (const file of pickBackupsToPrune(files.filter((name) => name.endsWith(kind)), keep)) unlinkSync(join(backupsDir, file));
      }
    },
  };
}

/** The hash drift compares: the parsed config, owned keys stripped, keys sorted, so a reformat alone is not drift. */
export function hashConfig(parsed: unknown, owned: readonly OwnedKeyPath[]): string {
  return createHash('sha256').update(canonicalJson(stripOwnedKeys(parsed, owned))).digest('hex');
}

/** The live file parsed, or why it cannot be. */
export function readLiveConfig(path: string): { ok: true; text: string; parsed: unknown } | { ok: false; isMissing: boolean; error: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { ok: false, isMissing: code === 'ENOENT', error: code === 'ENOENT' ? `${path}: no such file` : `${path}: ${(error as Error).message}` };
  }
  try {
    return { ok: true, text, parsed: JSON5.parse(text) };
  } catch (error) {
    return { ok: false, isMissing: false, error: `${path}: not JSON5: ${(error as Error).message}` };
  }
}

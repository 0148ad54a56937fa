import { mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh folder per test; short, because Unix socket paths must stay under 104 bytes. */
export function makeTempDir(prefix = 'cs-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/**
 * Removes a folder a running clawsupd writes into. It is renamed away first, in one step (to clawsupd, the folder is
 * gone), then deleted: what clawsupd writes at the path meanwhile goes into a new folder, never into the one being
 * deleted, so the delete cannot keep meeting new files (ENOTEMPTY).
 */
export function removeLiveDir(path: string): void {
  const removed = `${path}.removed-${process.pid}-${Date.now()}`;
  try {
    renameSync(path, removed);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  // A write already under way into the old folder can still land in it: retried, as before.
  rmSync(removed, { recursive: true, force: true, maxRetries: 20, retryDelay: 10 });
}

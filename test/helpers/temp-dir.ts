import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh folder per test; short, because Unix socket paths must stay under 104 bytes. */
export function makeTempDir(prefix = 'cs-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Removes a folder a running clawsupd writes into: a file written between the listing and the rmdir is retried, not an ENOTEMPTY. */
export function removeLiveDir(path: string): void {
  rmSync(path, { recursive: true, force: true, maxRetries: 20, retryDelay: 10 });
}

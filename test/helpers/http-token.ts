import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** An `http.tokenFile` in `dir`, owner-only unless a test wants it otherwise (clawsupd refuses one others can read). */
export function writeToken(dir: string, token: string, mode = 0o600): string {
  const path = join(dir, 'http-token');
  writeFileSync(path, `${token}\n`);
  chmodSync(path, mode);
  return path;
}

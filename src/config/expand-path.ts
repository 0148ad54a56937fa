import { homedir } from 'node:os';
import { isAbsolute, resolve } from 'node:path';

/** `~/x` is under the home directory; a relative path is relative to `baseDir` (the config file's folder). */
export function expandPath(path: string, baseDir: string, homeDir: string = homedir()): string {
  if (path === '~') return homeDir;
  if (path.startsWith('~/')) return resolve(homeDir, path.slice(2));
  return isAbsolute(path) ? path : resolve(baseDir, path);
}

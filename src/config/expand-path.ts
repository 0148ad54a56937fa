import { isAbsolute, resolve } from 'node:path';

/** `~/x` is under the home directory; a relative path is relative to `baseDir` (the config file's folder). */
export function expandPath(path: string, baseDir: string, homeDir?: string): string {
  if (path !== '~' && !path.startsWith('~/')) return isAbsolute(path) ? path : resolve(baseDir, path);
  // node:os only for a path under the home folder: clawctl's status path loads it for nothing else.
  const home = homeDir ?? process.getBuiltinModule('node:os').homedir();
  return path === '~' ? home : resolve(home, path.slice(2));
}

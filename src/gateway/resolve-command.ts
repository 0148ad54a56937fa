import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

export type ResolvedCommand =
  | { ok: true; path: string }
  | { ok: false; errorCode: 'ENOENT' | 'EACCES'; path: string | null; message: string };

/** Looks the command up on PATH at every start, so an upgrade that moved the install is followed. */
export function resolveCommand(command: string, cwd: string, pathVariable: string | undefined): ResolvedCommand {
  if (command.includes('/')) {
    const path = isAbsolute(command) ? command : resolve(cwd, command);
    return checkExecutable(path, `gateway command ${path}`);
  }
  const dirs = (pathVariable ?? '').split(delimiter).filter((dir) => dir.length > 0);
  let deniedPath: string | null = null;
  for (const dir of dirs) {
    const candidate = join(isAbsolute(dir) ? dir : resolve(cwd, dir), command);
    const checked = checkExecutable(candidate, candidate);
    if (checked.ok) return checked;
    if (checked.errorCode === 'EACCES') deniedPath ??= candidate;
  }
  if (deniedPath) {
    return { ok: false, errorCode: 'EACCES', path: deniedPath, message: `${deniedPath}: permission denied (not executable)` };
  }
  return { ok: false, errorCode: 'ENOENT', path: null, message: `gateway command "${command}" not found on PATH (${dirs.join(delimiter)})` };
}

function checkExecutable(path: string, label: string): ResolvedCommand {
  try {
    if (!statSync(path).isFile()) return { ok: false, errorCode: 'EACCES', path, message: `${label}: not a file` };
  } catch {
    return { ok: false, errorCode: 'ENOENT', path, message: `${label}: no such file` };
  }
  try {
    accessSync(path, constants.X_OK);
    return { ok: true, path };
  } catch {
    return { ok: false, errorCode: 'EACCES', path, message: `${label}: permission denied (not executable)` };
  }
}

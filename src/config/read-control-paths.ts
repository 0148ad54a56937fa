import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { expandPath } from './expand-path.js';
import { DEFAULT_CONTROL_SOCKET, DEFAULT_STATUS_DIR, isHomeRelative, readConfigScope, systemPathsFor } from './path-defaults.js';

export interface ControlPaths {
  configPath: string;
  socketPath: string;
  statusDir: string;
}

/**
 * Finds the socket and status dir without loading zod (clawctl status must start fast). Anything odd in the
 * file goes to the full loader, whose error names file, line and column (a system config's `~/` among them).
 */
export async function readControlPaths(path: string): Promise<ControlPaths> {
  const configPath = resolve(path);
  const found = await readQuickly(configPath);
  if (found) return found;
  const { loadConfig } = await import('./load-config.js');
  const { config } = loadConfig(configPath);
  return { configPath, socketPath: config.control.socket, statusDir: config.status.dir };
}

/** The paths clawsupd uses with a user config that does not set them. */
export function defaultControlPaths(configPath: string): ControlPaths {
  const baseDir = dirname(configPath);
  return { configPath, socketPath: expandPath(DEFAULT_CONTROL_SOCKET, baseDir), statusDir: expandPath(DEFAULT_STATUS_DIR, baseDir) };
}

/** The paths a system install's clawsupd uses when its config does not set them. */
export function systemControlPaths(configPath: string, platform: string = process.platform): ControlPaths {
  const system = systemPathsFor(platform);
  return { configPath, socketPath: system.controlSocket, statusDir: system.statusDir };
}

async function readQuickly(configPath: string): Promise<ControlPaths | null> {
  try {
    const { default: JSON5 } = await import('json5');
    const raw = JSON5.parse(readFileSync(configPath, 'utf8')) as { control?: { socket?: unknown }; status?: { dir?: unknown } };
    const isSystem = readConfigScope(configPath, process.env.CLAWSUP_SCOPE) === 'system';
    const defaults = isSystem ? systemPathsFor(process.platform) : { controlSocket: DEFAULT_CONTROL_SOCKET, statusDir: DEFAULT_STATUS_DIR };
    const socket = raw.control?.socket ?? defaults.controlSocket;
    const dir = raw.status?.dir ?? defaults.statusDir;
    if (typeof socket !== 'string' || typeof dir !== 'string' || socket === '' || dir === '') return null;
    if (isSystem && (isHomeRelative(socket) || isHomeRelative(dir))) return null;
    const baseDir = dirname(configPath);
    return { configPath, socketPath: expandPath(socket, baseDir), statusDir: expandPath(dir, baseDir) };
  } catch {
    return null;
  }
}

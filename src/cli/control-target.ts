import { existsSync } from 'node:fs';
import { defaultControlPaths, readControlPaths } from '../config/read-control-paths.js';
import type { ClawctlContext } from './command.js';
import { defaultConfigPath } from './default-config-path.js';

export interface ControlTarget {
  socketPath: string;
  /** Where status.json and the skill files are; null with --socket alone (no config to say). */
  statusDir: string | null;
}

/** --socket wins for the socket; the config (given, or the default one) says where the status files are. */
export async function resolveControlTarget(context: ClawctlContext): Promise<ControlTarget> {
  if (context.configPath !== undefined) {
    const paths = await readControlPaths(context.configPath);
    return { socketPath: context.socketPath ?? paths.socketPath, statusDir: paths.statusDir };
  }
  if (context.socketPath !== undefined) return { socketPath: context.socketPath, statusDir: null };
  const configPath = defaultConfigPath();
  const paths = existsSync(configPath) ? await readControlPaths(configPath) : defaultControlPaths(configPath);
  return { socketPath: paths.socketPath, statusDir: paths.statusDir };
}

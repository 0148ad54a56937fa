import { existsSync } from 'node:fs';
import { defaultControlPaths, readControlPaths } from '../config/read-control-paths.js';
import type { ClawctlContext } from './command.js';
import { defaultConfigPath } from './default-config-path.js';

export interface ControlTarget {
  socketPath: string;
  /** Where status.json and the skill files are; null with --socket alone (no config to say). */
  statusDir: string | null;
  /** Where the socket path came from, for a message when no daemon answers there. */
  source: string;
  /** No --config or --socket was given: clawctl chose. */
  isDefault: boolean;
}

// The demo's config, as `npm start` runs it from a checkout: worth naming when clawctl runs from one.
const DEMO_CONFIG = 'packaging/config/demo.json5';

/** --socket wins for the socket; the config (given, or the default one) says where the status files are. */
export async function resolveControlTarget(context: ClawctlContext): Promise<ControlTarget> {
  if (context.configPath !== undefined) {
    const paths = await readControlPaths(context.configPath);
    if (context.socketPath !== undefined) return { socketPath: context.socketPath, statusDir: paths.statusDir, source: '--socket', isDefault: false };
    return { socketPath: paths.socketPath, statusDir: paths.statusDir, source: `control.socket of ${paths.configPath}`, isDefault: false };
  }
  if (context.socketPath !== undefined) return { socketPath: context.socketPath, statusDir: null, source: '--socket', isDefault: false };
  const configPath = defaultConfigPath();
  if (existsSync(configPath)) {
    const paths = await readControlPaths(configPath);
    return { socketPath: paths.socketPath, statusDir: paths.statusDir, source: `control.socket of the default config ${paths.configPath}`, isDefault: true };
  }
  const paths = defaultControlPaths(configPath);
  return { socketPath: paths.socketPath, statusDir: paths.statusDir, source: `the built-in default (there is no config at ${configPath})`, isDefault: true };
}

/** Where clawctl looked, and how to point it elsewhere: the line after "no clawsupd is listening". */
export function describeWhereLooked(target: ControlTarget, cwdHasDemo: boolean = existsSync(DEMO_CONFIG)): string {
  const lines = [`clawctl looked for clawsupd at ${target.socketPath} (${target.source})`];
  if (target.isDefault) {
    lines.push('a clawsupd started with another config is found with --config FILE (or CLAWSUP_CONFIG=FILE)');
    if (cwdHasDemo) lines.push(`the demo (npm start): clawctl --config ${DEMO_CONFIG} status`);
  }
  return lines.map((line) => `clawctl: ${line}\n`).join('');
}

import { accessSync, constants, existsSync, lstatSync } from 'node:fs';
import { SYSTEM_CONFIG_FILE, systemPathsFor } from '../config/path-defaults.js';
import { defaultControlPaths, readControlPaths, systemControlPaths } from '../config/read-control-paths.js';
import { chooseControlSource } from './choose-control-source.js';
import type { ClawctlContext } from './command.js';
import { userConfigPath } from './default-config-path.js';

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

/**
 * --socket wins for the socket; the config (given, or the default one) says where the status files are. With no
 * config to read (none, or a system one this user may not read) the system daemon's socket is tried before the user's.
 */
export async function resolveControlTarget(context: ClawctlContext): Promise<ControlTarget> {
  if (context.configPath !== undefined) {
    const paths = await readControlPaths(context.configPath);
    if (context.socketPath !== undefined) return { socketPath: context.socketPath, statusDir: paths.statusDir, source: '--socket', isDefault: false };
    return { socketPath: paths.socketPath, statusDir: paths.statusDir, source: `control.socket of ${paths.configPath}`, isDefault: false };
  }
  if (context.socketPath !== undefined) return { socketPath: context.socketPath, statusDir: null, source: '--socket', isDefault: false };
  const configPath = userConfigPath();
  const systemSocket = systemPathsFor(process.platform).controlSocket;
  const source = chooseControlSource({
    envConfig: process.env.CLAWSUP_CONFIG,
    userConfig: configPath,
    hasUserConfig: existsSync(configPath),
    systemConfig: SYSTEM_CONFIG_FILE,
    canReadSystemConfig: canRead(SYSTEM_CONFIG_FILE),
    hasSystemSocket: isSocket(systemSocket),
  });
  if (source.type === 'config') {
    const paths = await readControlPaths(source.path);
    return { socketPath: paths.socketPath, statusDir: paths.statusDir, source: `control.socket of the default config ${paths.configPath}`, isDefault: true };
  }
  if (source.type === 'system-defaults') {
    const paths = systemControlPaths(SYSTEM_CONFIG_FILE);
    const why = existsSync(SYSTEM_CONFIG_FILE) ? `${SYSTEM_CONFIG_FILE} is not readable by this user` : `there is no config at ${configPath} or ${SYSTEM_CONFIG_FILE}`;
    return { socketPath: paths.socketPath, statusDir: paths.statusDir, source: `the system daemon's built-in socket (${why})`, isDefault: true };
  }
  const paths = defaultControlPaths(source.configPath);
  return {
    socketPath: paths.socketPath,
    statusDir: paths.statusDir,
    source: `the built-in default (no config at ${configPath}, ${existsSync(SYSTEM_CONFIG_FILE) ? `${SYSTEM_CONFIG_FILE} not readable by this user` : `none at ${SYSTEM_CONFIG_FILE}`}, no system daemon at ${systemSocket})`,
    isDefault: true,
  };
}

function canRead(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

function isSocket(path: string): boolean {
  try {
    return lstatSync(path).isSocket();
  } catch {
    return false;
  }
}

/**
 * With no --config or --socket, where clawctl looked and how to point it elsewhere: the lines after "no clawsupd is
 * listening". Given either, the socket named in that error is the one asked for, and nothing is added.
 */
export function describeWhereLooked(target: ControlTarget, cwdHasDemo: boolean = existsSync(DEMO_CONFIG)): string {
  if (!target.isDefault) return '';
  const lines = [
    `clawctl looked for clawsupd at ${target.socketPath} (${target.source})`,
    'a clawsupd started with another config is found with --config FILE (or CLAWSUP_CONFIG=FILE)',
  ];
  if (cwdHasDemo) lines.push(`the demo (npm start): clawctl --config ${DEMO_CONFIG} status`);
  return lines.map((line) => `clawctl: ${line}\n`).join('');
}

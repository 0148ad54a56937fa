// The schema applies these; they live apart so that clawctl can find the socket without loading zod.
export const DEFAULT_CONTROL_SOCKET = '~/.clawsup/clawsupd.sock';
export const DEFAULT_STATUS_DIR = '~/.clawsup/status';

/** A system config lives here; `~/` in it would be the home of whoever reads it (root for `sudo clawctl`). */
export const SYSTEM_CONFIG_DIR = '/etc/clawsup';
export const SYSTEM_CONFIG_FILE = `${SYSTEM_CONFIG_DIR}/clawsup.json5`;

export type ConfigScope = 'user' | 'system';

export interface SystemPaths {
  controlSocket: string;
  statusDir: string;
}

/**
 * A system install's socket and status dir. On Linux systemd makes both folders for User= (RuntimeDirectory=clawsup,
 * StateDirectory=clawsup); launchd has no such keys, so on macOS install makes one folder owned by the run-as user.
 */
export const SYSTEM_PATHS: Readonly<Record<'linux' | 'darwin', SystemPaths>> = {
  linux: { controlSocket: '/run/clawsup/clawsupd.sock', statusDir: '/var/lib/clawsup' },
  darwin: { controlSocket: '/Library/Application Support/clawsup/run/clawsupd.sock', statusDir: '/Library/Application Support/clawsup/status' },
};

export function systemPathsFor(platform: string): SystemPaths {
  return platform === 'darwin' ? SYSTEM_PATHS.darwin : SYSTEM_PATHS.linux;
}

/** A config is a system config when it sits in /etc/clawsup or the system unit says so (CLAWSUP_SCOPE=system). */
export function readConfigScope(configPath: string, scopeEnv: string | undefined): ConfigScope {
  return scopeEnv === 'system' || configPath.startsWith(`${SYSTEM_CONFIG_DIR}/`) ? 'system' : 'user';
}

export function isHomeRelative(path: string): boolean {
  return path === '~' || path.startsWith('~/');
}

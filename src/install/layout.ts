import { DEFAULT_CONTROL_SOCKET, DEFAULT_STATUS_DIR, systemPathsFor } from '../config/path-defaults.js';
import { posix } from './posix-path.js';

export type Platform = 'linux' | 'darwin';
export type Scope = 'user' | 'system';

export const SYSTEMD_UNIT_NAME = 'clawsupd.service';
export const LAUNCHD_LABEL = 'ai.clawsup.clawsupd';

/** Where an install puts each file, as the running system sees it (a test root is prefixed only when acting). */
export interface InstallLayout {
  platform: Platform;
  scope: Scope;
  /** The unit file or the plist. */
  serviceFile: string;
  /** The systemd unit name or the launchd label. */
  serviceName: string;
  /** Holds the stable links to node and clawsupd.js, and the install manifest. */
  libDir: string;
  nodeLink: string;
  clawsupdLink: string;
  configFile: string;
  /** systemd's EnvironmentFile (PATH for the gateway); launchd carries PATH in the plist. */
  envFile: string | null;
  /** launchd only: StandardOutPath, StandardErrorPath and log.file live here. */
  logDir: string | null;
  /** launchd only: the newsyslog rules for those logs. */
  newsyslogFile: string | null;
  manifestFile: string;
  /** Where clawsupd keeps status.json and listens (a user install's `~/` paths, resolved for display). */
  statusDir: string;
  controlSocket: string;
  /** launchd system only: the folder of both, made by install and given to the run-as user (no StateDirectory= there). */
  stateRoot: string | null;
}

export function resolveLayout(platform: Platform, scope: Scope, home: string): InstallLayout {
  const join = posix.join;
  const isUser = scope === 'user';
  const libDir =
    platform === 'darwin' && isUser ? join(home, 'Library/Application Support/clawsup') : isUser ? join(home, '.local/lib/clawsup') : '/usr/local/lib/clawsup';
  const configDir = isUser ? join(home, '.config/clawsup') : '/etc/clawsup';
  const common = {
    platform,
    scope,
    libDir,
    nodeLink: join(libDir, 'node'),
    clawsupdLink: join(libDir, 'clawsupd.js'),
    configFile: join(configDir, 'clawsup.json5'),
    manifestFile: join(libDir, 'install-manifest.json'),
    ...resolveStatePaths(platform, scope, home),
  };
  if (platform === 'linux') {
    return {
      ...common,
      serviceFile: isUser ? join(home, '.config/systemd/user', SYSTEMD_UNIT_NAME) : join('/etc/systemd/system', SYSTEMD_UNIT_NAME),
      serviceName: SYSTEMD_UNIT_NAME,
      envFile: join(configDir, 'clawsupd.env'),
      logDir: null,
      newsyslogFile: null,
    };
  }
  return {
    ...common,
    serviceFile: isUser ? join(home, 'Library/LaunchAgents', `${LAUNCHD_LABEL}.plist`) : join('/Library/LaunchDaemons', `${LAUNCHD_LABEL}.plist`),
    serviceName: LAUNCHD_LABEL,
    envFile: null,
    logDir: isUser ? join(home, 'Library/Logs/clawsup') : '/Library/Logs/clawsup',
    // /etc/newsyslog.d is root's: a user install leaves the rules beside its links for a `sudo cp`.
    newsyslogFile: isUser ? join(libDir, 'newsyslog.conf') : '/etc/newsyslog.d/clawsup.conf',
  };
}

function resolveStatePaths(platform: Platform, scope: Scope, home: string): Pick<InstallLayout, 'statusDir' | 'controlSocket' | 'stateRoot'> {
  if (scope === 'user') {
    const underHome = (path: string): string => posix.join(home, path.slice(2));
    return { statusDir: underHome(DEFAULT_STATUS_DIR), controlSocket: underHome(DEFAULT_CONTROL_SOCKET), stateRoot: null };
  }
  const system = systemPathsFor(platform);
  return { statusDir: system.statusDir, controlSocket: system.controlSocket, stateRoot: platform === 'darwin' ? posix.dirname(system.statusDir) : null };
}

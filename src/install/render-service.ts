import { DEFAULT_CONTROL_SOCKET, DEFAULT_STATUS_DIR } from '../config/path-defaults.js';
import type { InstallLayout } from './layout.js';

/** The default paths written in units/clawsupd.service, which an install may move. */
export const SYSTEM_UNIT_DEFAULTS = {
  libDir: '/usr/local/lib/clawsup',
  configFile: '/etc/clawsup/clawsup.json5',
  envFile: '/etc/clawsup/clawsupd.env',
};

export interface UnitPaths {
  libDir: string;
  configFile: string;
  envFile: string;
}

/**
 * Who may send sd_notify messages. `main` (the units' own) when clawsupd can send them from its own process
 * (node-unix-socket has a binary for this machine); `all` otherwise, since then a `systemd-notify` child sends them.
 */
export type NotifyAccess = 'main' | 'all';

// The NotifyAccess= line with the comment lines right above it (which say why).
const NOTIFY_ACCESS_LINE = /(?:^#.*\n)*^NotifyAccess=.*$/m;
const NOTIFY_ACCESS_ALL = `# No node-unix-socket binary for this machine at install: clawsupd's systemd-notify child sends, so any process in
# the unit may send READY/WATCHDOG. Reinstall on a machine the addon supports to get NotifyAccess=main.
NotifyAccess=all`;

/** The system unit with its paths, User= and NotifyAccess= filled in. */
export function renderSystemUnit(template: string, paths: UnitPaths, runAs: string, notifyAccess: NotifyAccess = 'main'): string {
  return renderUserUnit(template, notifyAccess)
    .replaceAll(SYSTEM_UNIT_DEFAULTS.configFile, paths.configFile)
    .replaceAll(SYSTEM_UNIT_DEFAULTS.envFile, paths.envFile)
    .replaceAll(SYSTEM_UNIT_DEFAULTS.libDir, paths.libDir)
    .replace(/^User=.*$/m, `User=${runAs}`);
}

/** The user unit says %h for its paths: only NotifyAccess= may change. */
export function renderUserUnit(template: string, notifyAccess: NotifyAccess = 'main'): string {
  return notifyAccess === 'main' ? template : template.replace(NOTIFY_ACCESS_LINE, NOTIFY_ACCESS_ALL);
}

export interface PlistValues {
  layout: InstallLayout;
  pathEnv: string;
  /** A LaunchDaemon runs as this user; a LaunchAgent as whoever logs in. */
  runAs: string | null;
}

export function renderPlist(template: string, values: PlistValues): string {
  const { layout } = values;
  const filled = template
    .replaceAll('@LIB_DIR@', escapeXml(layout.libDir))
    .replaceAll('@CONFIG_FILE@', escapeXml(layout.configFile))
    .replaceAll('@LOG_DIR@', escapeXml(layout.logDir ?? ''))
    .replaceAll('@PATH@', escapeXml(values.pathEnv));
  if (values.runAs === null) return filled;
  return filled.replace(/(<key>Label<\/key>\s*<string>[^<]*<\/string>)/, `$1\n  <key>UserName</key>\n  <string>${escapeXml(values.runAs)}</string>`);
}

/** newsyslog's rules: no pid file and no signal (flag N), since the pid file would be the service user's to forge. */
export function renderNewsyslog(template: string, logDir: string, owner: string): string {
  return template.replaceAll('@LOG_DIR@', logDir).replaceAll('@OWNER@', owner);
}

/** logrotate's rules for log.file: no signal, no copytruncate; clawsupd reopens the path when it names a new file. */
export function renderLogrotate(template: string, logFile: string, owner: string, group: string): string {
  return template.replaceAll('@LOG_FILE@', logFile).replaceAll('@OWNER@', owner).replaceAll('@GROUP@', group);
}

/** A path logrotate's config cannot quote: it ends a quoted name at `"` and a line at a newline. */
export function isLogrotateSafePath(path: string): boolean {
  return path.startsWith('/') && !/["\\\n\r]/.test(path);
}

/** clawsupd's environment file: the service PATH, so the gateway finds `openclaw` and its node. */
export function renderEnvFile(pathEnv: string): string {
  return [
    '# The environment of clawsupd and of the gateway it starts. Written by clawctl install; edit freely.',
    "# PATH: the folders openclaw and node were found in at install (a link in clawsup's lib folder for a per-version",
    '# nvm/fnm folder), then the system folders; not your shell\'s PATH. clawsupd looks the gateway\'s command up here',
    '# at every start, so `openclaw update` or `npm i -g openclaw` in the same place is followed; after moving Node',
    '# (nvm install, a new prefix), run clawctl install again: it re-points the link (this file is kept; delete it first',
    '# to have PATH written anew).',
    `PATH=${pathEnv}`,
    '',
  ].join('\n');
}

/**
 * The production config; under launchd clawsupd logs to a file newsyslog can rotate. A system config gets the system
 * socket and status dir, and the run-as user's home in place of every other `~/` (which a system config may not use).
 */
export function renderConfig(template: string, layout: InstallLayout, runAsHome: string): string {
  const scoped = layout.scope === 'system' ? replaceHomePaths(template, layout, runAsHome) : template;
  return layout.logDir === null ? scoped : addLogFile(scoped, layout.logDir);
}

const SYSTEM_PATH_KEYS: Record<string, (layout: InstallLayout) => string> = {
  [DEFAULT_CONTROL_SOCKET]: (layout) => layout.controlSocket,
  [DEFAULT_STATUS_DIR]: (layout) => layout.statusDir,
};

function replaceHomePaths(template: string, layout: InstallLayout, runAsHome: string): string {
  return template.replace(/(['"])(~\/[^'"]*)\1/g, (_quoted, _quote: string, path: string) => {
    const systemPath = SYSTEM_PATH_KEYS[path];
    return JSON.stringify(systemPath !== undefined ? systemPath(layout) : `${runAsHome.replace(/\/+$/, '')}/${path.slice(2)}`);
  });
}

function addLogFile(template: string, logDir: string): string {
  const end = template.lastIndexOf('}');
  const logLine = `  // launchd never rotates stdout: clawsupd writes here and reopens the file when newsyslog moves it.\n  log: { file: ${JSON.stringify(`${logDir}/clawsupd.log`)} },\n`;
  return `${template.slice(0, end)}${logLine}${template.slice(end)}`;
}

function escapeXml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

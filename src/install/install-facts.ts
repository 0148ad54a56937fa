import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import JSON5 from 'json5';
import { resolveLayout, type Platform, type Scope } from './layout.js';
import type { InstallFacts, InstallTemplates } from './plan-install.js';
import { underRoot } from './install-root.js';
import { readPathChain } from './read-path-chain.js';
import { scanOpenclawServices } from './scan-services.js';
import { buildServicePath, describeDroppedEntries, type ResolvedCommand } from './service-path.js';
import { posix } from './posix-path.js';
import { loadDgramSocket } from '../systemd/notify-senders.js';

const PACKAGE_ROOT = new URL('../../', import.meta.url);

export interface InstallRequest {
  platform: Platform;
  scope: Scope;
  root: string;
  env: NodeJS.ProcessEnv;
  runAs: string | undefined;
  shouldReplaceExisting: boolean;
}

export function gatherInstallFacts(request: InstallRequest): InstallFacts {
  const { platform, scope, root, env } = request;
  const home = readHome(env);
  const userName = readUserName(env);
  const layout = resolveLayout(platform, scope, home);
  // Under sudo, the system service runs as the user who asked, not as root.
  const runAs = request.runAs ?? env.SUDO_USER ?? userName;
  const nodePath = realpathSync(process.execPath);
  const clawsupdPath = realpathSync(fileURLToPath(new URL('dist/clawsupd.cjs', PACKAGE_ROOT)));
  const installerPath = cleanPath(env.PATH).split(':');
  const openclaw = resolveCommand('openclaw', installerPath);
  const servicePath = buildServicePath({
    platform,
    home,
    installerPath,
    openclaw,
    node: resolveCommand('node', installerPath),
    stableLinkPath: posix.join(layout.libDir, 'gateway-bin'),
  });
  const pathEnv = servicePath.entries.join(':');
  const link = servicePath.stableLink;
  return {
    layout,
    uid: process.getuid?.() ?? 0,
    userName,
    home,
    runAs,
    runAsHome: runAs === userName ? home : findHome(root, runAs, platform),
    runAsUser: findUser(root, runAs),
    nodePath,
    clawsupdPath,
    pathEnv,
    pathChains: {
      node: readPathChain(nodePath),
      clawsupd: readPathChain(clawsupdPath),
      // The service runs it too: a child of clawsupd's that validates the config.
      configLoader: readPathChain(join(dirname(clawsupdPath), 'config-loader.cjs')),
      // The stable link does not exist yet: what the service would run through it is its target.
      pathEntries: servicePath.entries.map((entry) => ({ entry, chain: readPathChain(entry === link?.path ? link.target : entry) })),
    },
    gatewayPath: {
      stableLink: link,
      notes: [describeDroppedEntries(servicePath, layout.envFile ?? layout.serviceFile), describeMissingOpenclaw(openclaw, servicePath.entries)].filter(
        (note): note is string => note !== null,
      ),
    },
    templates: readTemplates(),
    hasConfig: existsSync(underRoot(root, layout.configFile)),
    logFile: readLogFile(underRoot(root, layout.configFile)),
    hasEnvFile: layout.envFile !== null && existsSync(underRoot(root, layout.envFile)),
    isLingering: existsSync(underRoot(root, `/var/lib/systemd/linger/${userName}`)),
    openclawServices: scanOpenclawServices(platform, home, root),
    shouldReplaceExisting: request.shouldReplaceExisting,
    notifyAccess: loadDgramSocket().socketClass === null ? 'all' : 'main',
  };
}

export function readTemplates(): InstallTemplates {
  const read = (path: string): string => readFileSync(fileURLToPath(new URL(path, PACKAGE_ROOT)), 'utf8');
  return {
    systemUnit: read('units/clawsupd.service'),
    userUnit: read('units/clawsupd.user.service'),
    plist: read('launchd/ai.clawsup.clawsupd.plist'),
    newsyslog: read('launchd/clawsup.newsyslog.conf'),
    logrotate: read('packaging/logrotate/clawsup'),
    config: read('packaging/config/production.json5'),
  };
}

export function readHome(env: NodeJS.ProcessEnv): string {
  return env.HOME !== undefined && env.HOME !== '' ? env.HOME : homedir();
}

export function readUserName(env: NodeJS.ProcessEnv): string {
  return env.USER !== undefined && env.USER !== '' ? env.USER : userInfo().username;
}

/** log.file of an existing config, for the logrotate rules; a config it cannot read is `config check`'s to report. */
function readLogFile(configFile: string): string | null {
  try {
    const config: unknown = JSON5.parse(readFileSync(configFile, 'utf8'));
    const file = (config as { log?: { file?: unknown } } | null)?.log?.file;
    return typeof file === 'string' ? file : null;
  } catch {
    return null;
  }
}

/** The first PATH entry holding an executable file `name`, as `command -v` finds it, and that folder's realpath. */
function resolveCommand(name: string, entries: readonly string[]): ResolvedCommand | null {
  for (const dir of entries) {
    try {
      const file = posix.join(dir, name);
      accessSync(file, constants.X_OK);
      if (statSync(file).isFile()) return { dir, realDir: realpathSync(dir) };
    } catch {
      // Not here: the next entry.
    }
  }
  return null;
}

// sudo's secure_path hides the caller's own folders: the install then finds no openclaw, and should say how to fix it.
function describeMissingOpenclaw(openclaw: ResolvedCommand | null, entries: readonly string[]): string | null {
  if (openclaw !== null) return null;
  return `openclaw is not on this PATH, so the service's PATH (${entries.join(':')}) may not find it: under sudo, run \`sudo env "PATH=$PATH" clawctl install ...\` from the shell where \`command -v openclaw\` answers`;
}

/** Absolute entries only, once each: a relative PATH entry would depend on the service's working directory. */
function cleanPath(path: string | undefined): string {
  const entries = (path ?? '').split(':').filter((entry) => entry.startsWith('/'));
  return [...new Set(entries.length > 0 ? entries : ['/usr/local/bin', '/usr/bin', '/bin'])].join(':');
}

/** The user's ids from the passwd file under the install root, else from `id` (macOS keeps users in Directory Services). */
function findUser(root: string, user: string): { uid: number; gid: number } | null {
  const fields = readPasswdEntry(root, user);
  if (fields !== null) return { uid: Number(fields[2]), gid: Number(fields[3]) };
  try {
    const id = (flag: string): number => Number(execFileSync('id', [flag, '--', user], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    const ids = { uid: id('-u'), gid: id('-g') };
    return Number.isInteger(ids.uid) && Number.isInteger(ids.gid) ? ids : null;
  } catch {
    return null;
  }
}

function readPasswdEntry(root: string, user: string): string[] | null {
  try {
    for (const line of readFileSync(underRoot(root, '/etc/passwd'), 'utf8').split('\n')) {
      const fields = line.split(':');
      if (fields[0] === user && fields.length >= 7 && /^\d+$/.test(fields[2] ?? '') && /^\d+$/.test(fields[3] ?? '')) return fields;
    }
  } catch {
    // No passwd file under this root.
  }
  return null;
}

function findHome(root: string, user: string, platform: Platform): string {
  try {
    for (const line of readFileSync(underRoot(root, '/etc/passwd'), 'utf8').split('\n')) {
      const fields = line.split(':');
      if (fields[0] === user && fields[5]) return fields[5];
    }
  } catch {
    // No passwd file (macOS keeps users in Directory Services): fall back to the usual place.
  }
  return platform === 'darwin' ? `/Users/${user}` : `/home/${user}`;
}

import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { fileURLToPath } from 'node:url';
import { resolveLayout, type Platform, type Scope } from './layout.js';
import type { InstallFacts, InstallTemplates } from './plan-install.js';
import { underRoot } from './install-root.js';
import { scanOpenclawServices } from './scan-services.js';

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
  return {
    layout,
    uid: process.getuid?.() ?? 0,
    userName,
    home,
    runAs,
    runAsHome: runAs === userName ? home : findHome(root, runAs, platform),
    nodePath: realpathSync(process.execPath),
    clawsupdPath: realpathSync(fileURLToPath(new URL('dist/daemon/clawsupd.js', PACKAGE_ROOT))),
    pathEnv: cleanPath(env.PATH),
    templates: readTemplates(),
    hasConfig: existsSync(underRoot(root, layout.configFile)),
    hasEnvFile: layout.envFile !== null && existsSync(underRoot(root, layout.envFile)),
    isLingering: existsSync(underRoot(root, `/var/lib/systemd/linger/${userName}`)),
    openclawServices: scanOpenclawServices(platform, home, root),
    shouldReplaceExisting: request.shouldReplaceExisting,
  };
}

export function readTemplates(): InstallTemplates {
  const read = (path: string): string => readFileSync(fileURLToPath(new URL(path, PACKAGE_ROOT)), 'utf8');
  return {
    systemUnit: read('units/clawsupd.service'),
    userUnit: read('units/clawsupd.user.service'),
    plist: read('launchd/ai.clawsup.clawsupd.plist'),
    newsyslog: read('launchd/clawsup.newsyslog.conf'),
    config: read('packaging/config/production.json5'),
  };
}

export function readHome(env: NodeJS.ProcessEnv): string {
  return env.HOME !== undefined && env.HOME !== '' ? env.HOME : homedir();
}

export function readUserName(env: NodeJS.ProcessEnv): string {
  return env.USER !== undefined && env.USER !== '' ? env.USER : userInfo().username;
}

/** Absolute entries only, once each: a relative PATH entry would depend on the service's working directory. */
function cleanPath(path: string | undefined): string {
  const entries = (path ?? '').split(':').filter((entry) => entry.startsWith('/'));
  return [...new Set(entries.length > 0 ? entries : ['/usr/local/bin', '/usr/bin', '/bin'])].join(':');
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

import { posix } from './posix-path.js';
import type { InstallLayout } from './layout.js';
import { judgePathTrust, type PathNode, type TrustedOwners } from './path-trust.js';
import { describeDuplicateFix, planDisableService, type OpenclawService } from './openclaw-services.js';
import { isLogrotateSafePath, renderConfig, renderEnvFile, renderLogrotate, renderNewsyslog, renderPlist, renderSystemUnit, renderUserUnit, type NotifyAccess } from './render-service.js';

export type InstallAction =
  | { type: 'mkdir'; path: string }
  /** `group`: the file's group, so the run-as user can read a root-owned file (-1 leaves it). */
  | { type: 'write-file'; path: string; content: string; mode: number; group?: number; detail?: string }
  | { type: 'symlink'; path: string; target: string }
  /** `undo` is what uninstall runs to take this back; `timeoutMs` when the command may take longer than 30 s. */
  | { type: 'run'; argv: string[]; undo: string[][]; timeoutMs?: number }
  | { type: 'note'; text: string };

export interface InstallTemplates {
  systemUnit: string;
  userUnit: string;
  plist: string;
  newsyslog: string;
  /** packaging/logrotate/clawsup: Linux's rules for log.file. */
  logrotate?: string;
  config: string;
}

/** Everything an install decides from, gathered beforehand so the decision is a pure function. */
export interface InstallFacts {
  layout: InstallLayout;
  uid: number;
  userName: string;
  home: string;
  /** The user a system service runs as, and that user's home (where ~/.clawsup/status resolves). */
  runAs: string;
  runAsHome: string;
  /** The run-as user as the system knows it; null when there is no such user. */
  runAsUser: { uid: number; gid: number } | null;
  /** Who owns each component of what a system service will run (node, clawsupd, each PATH entry). */
  /** configLoader: dist/config-loader.cjs, which clawsupd runs to check its config. */
  pathChains: { node: PathNode[]; clawsupd: PathNode[]; configLoader: PathNode[]; pathEntries: Array<{ entry: string; chain: PathNode[] }> };
  /** Real paths at install time: the stable links point here. */
  nodePath: string;
  clawsupdPath: string;
  /** The installer's PATH, handed to the gateway (it finds `openclaw` and its node through it). */
  pathEnv: string;
  templates: InstallTemplates;
  hasConfig: boolean;
  hasEnvFile: boolean;
  isLingering: boolean;
  openclawServices: readonly OpenclawService[];
  shouldReplaceExisting: boolean;
  /** `main` when clawsupd can send sd_notify from its own process here (node-unix-socket loads); `main` if not said. */
  notifyAccess?: NotifyAccess;
  /** How the service PATH was built (service-path.ts): the link it needs to a per-version folder, and what to say. */
  gatewayPath?: { stableLink: { path: string; target: string } | null; notes: string[] };
  /** log.file of the config the service will run (an existing one's; the production config sets none on Linux). */
  logFile?: string | null;
}

/** Where a Linux system install puts its logrotate rules for log.file. */
export const LOGROTATE_FILE = '/etc/logrotate.d/clawsup';

export type InstallRefusal = 'duplicate-gateway' | 'untrusted-path' | 'unknown-user';

export type InstallPlan = { ok: true; actions: InstallAction[] } | { ok: false; refusal: InstallRefusal; refusals: string[] };

const FILE_MODE = 0o644;
// The env file and the config may hold the gateway token.
const SECRET_FILE_MODE = 0o600;
const SHARED_SECRET_FILE_MODE = 0o640;

export function planInstall(facts: InstallFacts): InstallPlan {
  const { layout } = facts;
  if (facts.openclawServices.length > 0 && !facts.shouldReplaceExisting) {
    return { ok: false, refusal: 'duplicate-gateway', refusals: facts.openclawServices.map((service) => describeDuplicateFix(service, facts.uid)) };
  }
  const trust = checkSystemTrust(facts);
  if (trust.refusal !== null) return { ok: false, refusal: trust.refusal, refusals: trust.refusals };
  const actions: InstallAction[] = [...trust.notes, ...warnTempLinks(facts)];
  for (const service of facts.openclawServices) {
    const { disable, undo } = planDisableService(service, facts.uid);
    disable.forEach((argv, i) => actions.push({ type: 'run', argv, undo: i === 0 ? undo : [] }));
  }
  const dirs = [layout.libDir, posix.dirname(layout.configFile), posix.dirname(layout.serviceFile), layout.logDir, layout.stateRoot].filter((dir): dir is string => dir !== null);
  for (const dir of new Set(dirs)) actions.push({ type: 'mkdir', path: dir });
  // A LaunchDaemon's clawsupd runs as runAs and creates its log.file, status dir and socket there: root-owned folders fail it.
  if (layout.platform === 'darwin' && layout.scope === 'system') {
    for (const dir of [layout.logDir, layout.stateRoot]) {
      if (dir !== null) actions.push({ type: 'run', argv: ['chown', `${facts.runAs}:staff`, dir], undo: [] });
    }
  }
  actions.push({ type: 'symlink', path: layout.nodeLink, target: facts.nodePath });
  actions.push({ type: 'symlink', path: layout.clawsupdLink, target: facts.clawsupdPath });
  actions.push(...planGatewayPath(facts, trust.pathEnv));
  if (!facts.hasConfig) {
    const access = configFileAccess(facts);
    const detail = `${formatMode(access.mode)}${access.group === undefined ? '' : ` group ${access.group}`}; status.dir ${layout.statusDir}, control.socket ${layout.controlSocket}`;
    actions.push({ type: 'write-file', path: layout.configFile, content: renderConfig(facts.templates.config, layout, facts.runAsHome), ...access, detail });
  } else if (layout.scope === 'system') {
    const check = `sudo clawctl --config ${layout.configFile} config check`;
    actions.push({ type: 'note', text: `kept the existing ${layout.configFile}; a system config may not use ~/ (\`${check}\` names any such line)` });
  }
  // systemd reads the EnvironmentFile as root: nobody else needs it.
  if (layout.envFile !== null && !facts.hasEnvFile) actions.push({ type: 'write-file', path: layout.envFile, content: renderEnvFile(trust.pathEnv), mode: SECRET_FILE_MODE });
  actions.push({ type: 'write-file', path: layout.serviceFile, content: renderServiceFile(facts), mode: FILE_MODE, detail: describeService(facts) });
  if (layout.newsyslogFile !== null && layout.logDir !== null) {
    const owner = layout.scope === 'user' ? `${facts.userName}:staff` : `${facts.runAs}:staff`;
    actions.push({ type: 'write-file', path: layout.newsyslogFile, content: renderNewsyslog(facts.templates.newsyslog, layout.logDir, owner), mode: FILE_MODE });
    if (layout.scope === 'user') {
      actions.push({ type: 'note', text: `launchd never rotates logs: sudo cp '${layout.newsyslogFile}' /etc/newsyslog.d/clawsup.conf` });
    }
  }
  actions.push(...planLogrotate(facts));
  actions.push(...planEnable(facts));
  return { ok: true, actions };
}

/** The stable link the service PATH names in place of a per-version Node folder, when the trust check kept it. */
function planGatewayPath(facts: InstallFacts, pathEnv: string): InstallAction[] {
  const { stableLink = null, notes = [] } = facts.gatewayPath ?? {};
  const actions: InstallAction[] = notes.map((text) => ({ type: 'note', text }));
  if (stableLink !== null && pathEnv.split(':').includes(stableLink.path)) actions.push({ type: 'symlink', ...stableLink });
  return actions;
}

/** logrotate runs as root: the rules make it work as the run-as user in that user's folder (su), and signal nothing. */
function planLogrotate(facts: InstallFacts): InstallAction[] {
  const { layout, logFile, templates } = facts;
  if (layout.platform !== 'linux' || layout.scope !== 'system' || logFile === undefined || logFile === null || templates.logrotate === undefined) return [];
  if (!isLogrotateSafePath(logFile)) {
    return [{ type: 'note', text: `wrote no ${LOGROTATE_FILE}: log.file ${JSON.stringify(logFile)} is not an absolute path logrotate can quote` }];
  }
  const group = facts.runAsUser === null ? facts.runAs : String(facts.runAsUser.gid);
  const content = renderLogrotate(templates.logrotate, logFile, facts.runAs, group);
  return [
    { type: 'mkdir', path: posix.dirname(LOGROTATE_FILE) },
    { type: 'write-file', path: LOGROTATE_FILE, content, mode: FILE_MODE, detail: `rotates ${logFile}; clawsupd reopens it, no signal` },
  ];
}

interface SystemTrust {
  refusal: InstallRefusal | null;
  refusals: string[];
  notes: InstallAction[];
  /** The PATH the service gets: the installer's, less what someone other than root or the run-as user could replace. */
  pathEnv: string;
}

/** A system service runs as root or as `runAs`: what it runs must be replaceable by nobody else. */
function checkSystemTrust(facts: InstallFacts): SystemTrust {
  if (facts.layout.scope === 'user') return { refusal: null, refusals: [], notes: [], pathEnv: facts.pathEnv };
  if (facts.runAsUser === null) {
    const refusals = [`--run-as ${facts.runAs}: no such user on this system; create the user first (install does not create users)`];
    return { refusal: 'unknown-user', refusals, notes: [], pathEnv: facts.pathEnv };
  }
  const owners: TrustedOwners = { uids: [0, facts.runAsUser.uid], gids: [0, facts.runAsUser.gid] };
  const refusals: string[] = [];
  const links = [
    { what: 'link node', chain: facts.pathChains.node, target: facts.nodePath },
    { what: 'link clawsupd', chain: facts.pathChains.clawsupd, target: facts.clawsupdPath },
    { what: "use clawsupd's config loader", chain: facts.pathChains.configLoader, target: facts.pathChains.configLoader.at(-1)?.path ?? '' },
  ];
  for (const { what, chain, target } of links) {
    const verdict = judgePathTrust(chain, owners);
    if (!verdict.isTrusted) {
      refusals.push(`refusing to ${what} ${target}: ${verdict.why}, not root or ${facts.runAs}, who could replace what the service runs; install it where root owns it, or run the service as its owner (--run-as)`);
    }
  }
  const notes: InstallAction[] = [];
  const kept: string[] = [];
  for (const { entry, chain } of facts.pathChains.pathEntries) {
    const verdict = judgePathTrust(chain, owners);
    if (verdict.isTrusted) kept.push(entry);
    else notes.push({ type: 'note', text: `left ${entry} out of the service's PATH: ${verdict.why}, not root or ${facts.runAs}` });
  }
  return { refusal: refusals.length > 0 ? 'untrusted-path' : null, refusals, notes, pathEnv: kept.length > 0 ? kept.join(':') : '/usr/local/bin:/usr/bin:/bin' };
}

/** A system config is root's, readable by the run-as user's group when the daemon runs as someone else. */
function configFileAccess(facts: InstallFacts): { mode: number; group?: number } {
  const user = facts.runAsUser;
  if (facts.layout.scope === 'system' && user !== null && user.uid !== 0) return { mode: SHARED_SECRET_FILE_MODE, group: user.gid };
  return { mode: SECRET_FILE_MODE };
}

function renderServiceFile(facts: InstallFacts): string {
  const { layout, templates } = facts;
  if (layout.platform === 'darwin') {
    return renderPlist(templates.plist, { layout, pathEnv: checkSystemTrust(facts).pathEnv, runAs: layout.scope === 'system' ? facts.runAs : null });
  }
  if (layout.scope === 'user') return renderUserUnit(templates.userUnit, facts.notifyAccess);
  return renderSystemUnit(templates.systemUnit, { libDir: layout.libDir, configFile: layout.configFile, envFile: layout.envFile ?? '' }, facts.runAs, facts.notifyAccess);
}

// A link into one of these folders breaks when the checkout there is cleaned (tmpfiles, a reboot, macOS's purge).
const TEMP_FOLDERS = ['/tmp/', '/var/tmp/', '/dev/shm/', '/private/tmp/', '/var/folders/', '/private/var/folders/'];

function warnTempLinks(facts: InstallFacts): InstallAction[] {
  const links = [
    { what: 'clawsupd.js', target: facts.clawsupdPath },
    { what: 'node', target: facts.nodePath },
  ];
  return links.flatMap(({ what, target }) => {
    const folder = TEMP_FOLDERS.find((prefix) => target.startsWith(prefix));
    if (folder === undefined) return [];
    const text = `warning: ${what} would be linked into ${target}, under the temp folder ${folder}: the service stops working when that is cleaned; install from a tarball (npm pack; npm install -g ./clawsup-VERSION.tgz) and run that clawctl install`;
    return [{ type: 'note' as const, text }];
  });
}

/** What the service runs as and where it keeps its state, for --dry-run and the install report. */
function describeService(facts: InstallFacts): string {
  const { layout } = facts;
  const where = `status dir ${layout.statusDir}, control socket ${layout.controlSocket}`;
  if (layout.scope === 'user') return `runs as ${facts.userName}; ${where}`;
  if (layout.platform === 'darwin') return `UserName=${facts.runAs}; ${where}`;
  return `User=${facts.runAs}; ${where} (StateDirectory=clawsup, RuntimeDirectory=clawsup)`;
}

function formatMode(mode: number): string {
  return `mode 0${mode.toString(8)}`;
}

// `enable --now` returns at READY=1, sent once the gateway's first start has an outcome: TimeoutStartSec=90s is pushed
// out while a slow gateway boots (health.startTimeoutMs, 180 s in production, and its retries), so 30 s is too short.
const ENABLE_NOW_TIMEOUT_MS = 600_000;

function planEnable(facts: InstallFacts): InstallAction[] {
  const { layout } = facts;
  if (layout.platform === 'darwin') {
    const domain = layout.scope === 'user' ? `gui/${facts.uid}` : 'system';
    return [{ type: 'run', argv: ['launchctl', 'bootstrap', domain, layout.serviceFile], undo: [['launchctl', 'bootout', `${domain}/${layout.serviceName}`]] }];
  }
  const systemctl = layout.scope === 'user' ? ['systemctl', '--user'] : ['systemctl'];
  const actions: InstallAction[] = [
    { type: 'run', argv: [...systemctl, 'daemon-reload'], undo: [] },
    {
      type: 'run',
      argv: [...systemctl, 'enable', '--now', layout.serviceName],
      undo: [[...systemctl, 'disable', '--now', layout.serviceName]],
      timeoutMs: ENABLE_NOW_TIMEOUT_MS,
    },
  ];
  // A user manager runs only while its user is logged in, unless lingering keeps it up from boot.
  if (layout.scope === 'user' && !facts.isLingering) {
    actions.push({ type: 'run', argv: ['loginctl', 'enable-linger', facts.userName], undo: [['loginctl', 'disable-linger', facts.userName]] });
  }
  return actions;
}

/** One line per action, for --dry-run and for the report after an install. */
export function describeInstallAction(action: InstallAction): string {
  switch (action.type) {
    case 'mkdir':
      return `create directory ${action.path}`;
    case 'write-file':
      return action.detail === undefined ? `write ${action.path}` : `write ${action.path} (${action.detail})`;
    case 'symlink':
      return `link ${action.path} -> ${action.target}`;
    case 'run':
      return `run ${action.argv.join(' ')}`;
    case 'note':
      return `note: ${action.text}`;
  }
}

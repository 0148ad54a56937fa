import { posix } from './posix-path.js';
import type { InstallLayout } from './layout.js';
import { describeDuplicateFix, planDisableService, type OpenclawService } from './openclaw-services.js';
import { renderConfig, renderEnvFile, renderNewsyslog, renderPlist, renderSystemUnit } from './render-service.js';

export type InstallAction =
  | { type: 'mkdir'; path: string }
  | { type: 'write-file'; path: string; content: string; mode: number }
  | { type: 'symlink'; path: string; target: string }
  /** `undo` is what uninstall runs to take this back. */
  | { type: 'run'; argv: string[]; undo: string[][] }
  | { type: 'note'; text: string };

export interface InstallTemplates {
  systemUnit: string;
  userUnit: string;
  plist: string;
  newsyslog: string;
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
}

export type InstallPlan = { ok: true; actions: InstallAction[] } | { ok: false; refusals: string[] };

const FILE_MODE = 0o644;

export function planInstall(facts: InstallFacts): InstallPlan {
  const { layout } = facts;
  if (facts.openclawServices.length > 0 && !facts.shouldReplaceExisting) {
    return { ok: false, refusals: facts.openclawServices.map((service) => describeDuplicateFix(service, facts.uid)) };
  }
  const actions: InstallAction[] = [];
  for (const service of facts.openclawServices) {
    const { disable, undo } = planDisableService(service, facts.uid);
    disable.forEach((argv, i) => actions.push({ type: 'run', argv, undo: i === 0 ? undo : [] }));
  }
  const dirs = [layout.libDir, posix.dirname(layout.configFile), posix.dirname(layout.serviceFile), layout.logDir].filter((dir): dir is string => dir !== null);
  for (const dir of new Set(dirs)) actions.push({ type: 'mkdir', path: dir });
  // A LaunchDaemon's clawsupd runs as runAs and creates its log.file there: a root-owned folder fails it at every launch.
  if (layout.platform === 'darwin' && layout.scope === 'system' && layout.logDir !== null) {
    actions.push({ type: 'run', argv: ['chown', `${facts.runAs}:staff`, layout.logDir], undo: [] });
  }
  actions.push({ type: 'symlink', path: layout.nodeLink, target: facts.nodePath });
  actions.push({ type: 'symlink', path: layout.clawsupdLink, target: facts.clawsupdPath });
  if (!facts.hasConfig) actions.push({ type: 'write-file', path: layout.configFile, content: renderConfig(facts.templates.config, layout), mode: FILE_MODE });
  if (layout.envFile !== null && !facts.hasEnvFile) actions.push({ type: 'write-file', path: layout.envFile, content: renderEnvFile(facts.pathEnv), mode: FILE_MODE });
  actions.push({ type: 'write-file', path: layout.serviceFile, content: renderServiceFile(facts), mode: FILE_MODE });
  if (layout.newsyslogFile !== null && layout.logDir !== null) {
    const owner = layout.scope === 'user' ? `${facts.userName}:staff` : `${facts.runAs}:staff`;
    actions.push({ type: 'write-file', path: layout.newsyslogFile, content: renderNewsyslog(facts.templates.newsyslog, layout.logDir, owner), mode: FILE_MODE });
    if (layout.scope === 'user') {
      actions.push({ type: 'note', text: `launchd never rotates logs: sudo cp '${layout.newsyslogFile}' /etc/newsyslog.d/clawsup.conf` });
    }
  }
  actions.push(...planEnable(facts));
  return { ok: true, actions };
}

function renderServiceFile(facts: InstallFacts): string {
  const { layout, templates } = facts;
  if (layout.platform === 'darwin') {
    return renderPlist(templates.plist, { layout, pathEnv: facts.pathEnv, runAs: layout.scope === 'system' ? facts.runAs : null });
  }
  if (layout.scope === 'user') return templates.userUnit;
  return renderSystemUnit(templates.systemUnit, { libDir: layout.libDir, configFile: layout.configFile, envFile: layout.envFile ?? '' }, facts.runAs);
}

function planEnable(facts: InstallFacts): InstallAction[] {
  const { layout } = facts;
  if (layout.platform === 'darwin') {
    const domain = layout.scope === 'user' ? `gui/${facts.uid}` : 'system';
    return [{ type: 'run', argv: ['launchctl', 'bootstrap', domain, layout.serviceFile], undo: [['launchctl', 'bootout', `${domain}/${layout.serviceName}`]] }];
  }
  const systemctl = layout.scope === 'user' ? ['systemctl', '--user'] : ['systemctl'];
  const actions: InstallAction[] = [
    { type: 'run', argv: [...systemctl, 'daemon-reload'], undo: [] },
    { type: 'run', argv: [...systemctl, 'enable', '--now', layout.serviceName], undo: [[...systemctl, 'disable', '--now', layout.serviceName]] },
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
      return `write ${action.path}`;
    case 'symlink':
      return `link ${action.path} -> ${action.target}`;
    case 'run':
      return `run ${action.argv.join(' ')}`;
    case 'note':
      return `note: ${action.text}`;
  }
}

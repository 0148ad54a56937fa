import { posix } from './posix-path.js';
import type { Platform } from './layout.js';

export type ServiceKind = 'systemd-user' | 'systemd-system' | 'launch-agent' | 'launch-daemon';

/** An OpenClaw gateway service installed by OpenClaw's own installer: a second gateway beside clawsup's. */
export interface OpenclawService {
  path: string;
  kind: ServiceKind;
  /** The unit name or the launchd label. */
  name: string;
}

/** The directories the usual installers write to, by kind. */
export function listServiceDirs(platform: Platform, home: string): Array<{ dir: string; kind: ServiceKind }> {
  if (platform === 'linux') {
    return [
      { dir: posix.join(home, '.config/systemd/user'), kind: 'systemd-user' },
      { dir: '/etc/systemd/user', kind: 'systemd-user' },
      { dir: '/usr/lib/systemd/user', kind: 'systemd-user' },
      { dir: '/etc/systemd/system', kind: 'systemd-system' },
      { dir: '/usr/lib/systemd/system', kind: 'systemd-system' },
      { dir: '/lib/systemd/system', kind: 'systemd-system' },
    ];
  }
  return [
    { dir: posix.join(home, 'Library/LaunchAgents'), kind: 'launch-agent' },
    { dir: '/Library/LaunchAgents', kind: 'launch-agent' },
    { dir: '/Library/LaunchDaemons', kind: 'launch-daemon' },
  ];
}

const SYSTEMD_PATTERN = /^openclaw-gateway.*\.service$/;
// OpenClaw labels its plist ai.openclaw.gateway, or ai.openclaw.<profile> for a profile.
const LAUNCHD_PATTERN = /^(ai\.openclaw\..+)\.plist$/;

/** Picks the OpenClaw gateway services out of the file names found in each directory. */
export function findOpenclawServices(found: ReadonlyArray<{ dir: string; kind: ServiceKind; names: readonly string[] }>): OpenclawService[] {
  const services: OpenclawService[] = [];
  for (const { dir, kind, names } of found) {
    for (const name of names) {
      const isSystemd = kind === 'systemd-user' || kind === 'systemd-system';
      const label = isSystemd ? (SYSTEMD_PATTERN.test(name) ? name : null) : (LAUNCHD_PATTERN.exec(name)?.[1] ?? null);
      if (label !== null) services.push({ path: posix.join(dir, name), kind, name: label });
    }
  }
  return services;
}

/** The commands that stop an OpenClaw service and keep it from coming back, and those that undo that. */
export function planDisableService(service: OpenclawService, uid: number): { disable: string[][]; undo: string[][] } {
  switch (service.kind) {
    case 'systemd-user':
      return {
        disable: [['systemctl', '--user', 'disable', '--now', service.name]],
        undo: [['systemctl', '--user', 'enable', '--now', service.name]],
      };
    case 'systemd-system':
      return { disable: [['systemctl', 'disable', '--now', service.name]], undo: [['systemctl', 'enable', '--now', service.name]] };
    case 'launch-agent':
    case 'launch-daemon': {
      const domain = service.kind === 'launch-agent' ? `gui/${uid}` : 'system';
      return {
        // bootout stops it now; disable keeps RunAtLoad from starting it at the next login or boot.
        disable: [
          ['launchctl', 'bootout', `${domain}/${service.name}`],
          ['launchctl', 'disable', `${domain}/${service.name}`],
        ],
        undo: [
          ['launchctl', 'enable', `${domain}/${service.name}`],
          ['launchctl', 'bootstrap', domain, service.path],
        ],
      };
    }
  }
}

/** What to tell an operator who has such a service and did not ask clawsup to replace it. */
export function describeDuplicateFix(service: OpenclawService, uid: number): string {
  const commands = planDisableService(service, uid).disable.map((argv) => argv.join(' '));
  return `${service.path} (${service.name}) would start a second gateway on the same Slack token: disable it (${commands.join('; ')}) or rerun with --replace-existing`;
}

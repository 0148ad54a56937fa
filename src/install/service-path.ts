import { posix } from './posix-path.js';

/**
 * The service's PATH, built from facts as the gateway's own installer builds its unit's PATH (OpenClaw 2026.9.6,
 * dist/service-env: the folders of its node and of `openclaw`, the system folders, then the stable folders of known
 * Node managers), never the installer's interactive PATH: shell init adds ~/.cargo/bin, pyenv shims, and nvm's
 * per-version folder, which pins the unit to one Node that `nvm uninstall` removes (upstream #17309).
 */

/** Where a command resolves on the installer's PATH now: the PATH entry it was found in, and that folder's realpath. */
export interface ResolvedCommand {
  dir: string;
  realDir: string;
}

export interface ServicePathFacts {
  platform: 'linux' | 'darwin';
  home: string;
  /** The installer's PATH entries, absolute, in order. */
  installerPath: readonly string[];
  openclaw: ResolvedCommand | null;
  node: ResolvedCommand | null;
  /** Where install may put its stable link to a per-version folder (beside its links to node and clawsupd.js). */
  stableLinkPath: string;
}

export type DroppedReason = 'shell-only' | 'per-version' | 'not-needed';

export interface ServicePath {
  entries: string[];
  /** A link install writes, so the unit names no versioned folder: re-pointed by the next `clawctl install`. */
  stableLink: { path: string; target: string } | null;
  dropped: Array<{ entry: string; reason: DroppedReason }>;
}

const SYSTEM_DIRS: Record<ServicePathFacts['platform'], readonly string[]> = {
  // systemd's own default PATH for services: sbin too, since agents' tools run sudo, ip, ss.
  linux: ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'],
  // The canonical PATH the gateway's own LaunchAgents get (Homebrew first).
  darwin: ['/opt/homebrew/bin', '/opt/homebrew/sbin', '/usr/local/bin', '/usr/bin', '/bin', '/usr/sbin', '/sbin'],
};

// Folders a version manager keeps for one Node version or one shell: gone after an uninstall or when the shell exits.
const PER_VERSION_DIRS: readonly RegExp[] = [
  /\/versions\/node\/[^/]+\/bin$/, // nvm
  /\/\.nodenv\/versions\/[^/]+\/bin$/,
  /\/fnm_multishells\/[^/]+\/bin$/, // fnm, one per shell, under /run/user
  /\/node-versions\/[^/]+\/installation\/bin$/, // fnm
  /\/installs\/node(?:js)?\/[^/]+\/bin$/, // asdf, mise
  /\/tools\/image\/node\/[^/]+\/bin$/, // volta
];

// Home folders that stay put across Node upgrades (shims, aliases, "current" links), kept when the installer had them.
const STABLE_HOME_DIRS = [
  '.local/bin',
  '.npm-global/bin',
  'bin',
  '.volta/bin',
  '.asdf/shims',
  '.bun/bin',
  '.local/share/pnpm',
  '.local/share/pnpm/bin',
  '.nvm/current/bin',
  '.local/share/fnm/aliases/default/bin',
  '.fnm/aliases/default/bin',
  '.local/share/mise/shims',
  '.nix-profile/bin',
];
const STABLE_SYSTEM_DIRS = ['/snap/bin', '/nix/var/nix/profiles/default/bin', '/run/current-system/sw/bin'];

// Added by shell init for other languages: nothing the gateway runs needs them.
const SHELL_ONLY_DIRS: readonly RegExp[] = [/\/\.cargo\/bin$/, /\/\.pyenv\/(?:.*\/)?(?:shims|bin)$/, /\/\.rbenv\/(?:shims|bin)$/, /\/\.goenv\//, /\/\.sdkman\//, /\/\.rustup\//];

export function isPerVersionDir(dir: string): boolean {
  return PER_VERSION_DIRS.some((pattern) => pattern.test(dir));
}

export function buildServicePath(facts: ServicePathFacts): ServicePath {
  const commands = [facts.openclaw, facts.node].filter((command): command is ResolvedCommand => command !== null);
  // openclaw's folder first: its preinstall checked the node beside it, and npm there is what `openclaw update` runs.
  const pinned = commands.find((command) => isPerVersionDir(command.dir));
  const stableLink = pinned === undefined ? null : { path: facts.stableLinkPath, target: pinned.realDir };
  const commandDirs = commands.map((command) => (isPerVersionDir(command.dir) ? facts.stableLinkPath : command.dir));
  const stableHomeDirs = new Set(STABLE_HOME_DIRS.map((dir) => posix.join(facts.home, dir)));
  const isStable = (entry: string): boolean => stableHomeDirs.has(entry) || STABLE_SYSTEM_DIRS.includes(entry);
  const kept = facts.installerPath.filter((entry) => isStable(entry) && !isPerVersionDir(entry));
  const entries = [...new Set([...commandDirs, ...SYSTEM_DIRS[facts.platform], ...kept])];
  const dropped = [...new Set(facts.installerPath)].filter((entry) => !entries.includes(entry)).map((entry) => ({ entry, reason: classifyDropped(entry) }));
  return { entries, stableLink, dropped };
}

function classifyDropped(entry: string): DroppedReason {
  if (isPerVersionDir(entry)) return 'per-version';
  return SHELL_ONLY_DIRS.some((pattern) => pattern.test(entry)) ? 'shell-only' : 'not-needed';
}

/** One line for the install report: what the service's PATH leaves out, and where to add a folder a tool needs. */
export function describeDroppedEntries(path: ServicePath, envFile: string): string | null {
  const { dropped, stableLink } = path;
  if (dropped.length === 0) return null;
  const perVersion = stableLink === null ? 'one Node version' : `one Node version, reached through ${stableLink.path}`;
  const label: Record<DroppedReason, string> = { 'shell-only': 'set by your shell', 'per-version': perVersion, 'not-needed': 'not needed by the gateway' };
  const list = dropped.map(({ entry, reason }) => `${entry} (${label[reason]})`).join(', ');
  return `the service's PATH leaves out ${list}; add a folder the gateway's tools need to PATH in ${envFile}`;
}

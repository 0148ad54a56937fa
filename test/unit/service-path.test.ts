import { describe, expect, it } from 'vitest';
import { buildServicePath, describeDroppedEntries, isPerVersionDir, type ServicePathFacts } from '../../src/install/service-path.js';

const HOME = '/home/gmk';
const LINK = '/home/gmk/.local/lib/clawsup/gateway-bin';
const SYSTEM = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];
const NVM24 = `${HOME}/.nvm/versions/node/v24.21.0/bin`;
// The PATH this was tried on: rustup and pyenv from shell init, ahead of the system folders.
const SHELL_PATH = ['/root/.cargo/bin', '/root/.pyenv/plugins/pyenv-virtualenv/shims', '/root/.pyenv/shims', '/root/.pyenv/bin', ...SYSTEM];
const at = (dir: string, realDir = dir): { dir: string; realDir: string } => ({ dir, realDir });

function facts(overrides: Partial<ServicePathFacts>): ServicePathFacts {
  return { platform: 'linux', home: HOME, installerPath: SYSTEM, openclaw: null, node: null, stableLinkPath: LINK, ...overrides };
}

describe('buildServicePath', () => {
  it.each([
    {
      what: 'the interactive PATH of the machine this was tried on: ~/.cargo/bin and pyenv shims are left out',
      facts: facts({ home: '/root', installerPath: SHELL_PATH, openclaw: at('/usr/local/bin'), node: at('/usr/bin') }),
      // The folders they were found in come first, so the same node answers even with another in /usr/local/bin.
      entries: ['/usr/local/bin', '/usr/bin', '/usr/local/sbin', '/usr/sbin', '/sbin', '/bin'],
      link: null,
      dropped: ['/root/.cargo/bin:shell-only', '/root/.pyenv/plugins/pyenv-virtualenv/shims:shell-only', '/root/.pyenv/shims:shell-only', '/root/.pyenv/bin:shell-only'],
    },
    {
      what: "nvm: its per-version folder is replaced by install's stable link to it, first",
      facts: facts({ installerPath: [NVM24, `${HOME}/.cargo/bin`, ...SYSTEM], openclaw: at(NVM24), node: at(NVM24) }),
      entries: [LINK, ...SYSTEM],
      link: NVM24,
      dropped: [`${NVM24}:per-version`, `${HOME}/.cargo/bin:shell-only`],
    },
    {
      what: 'fnm: the per-shell folder under /run/user dies with the shell, so the link targets its real folder',
      facts: facts({
        installerPath: ['/run/user/1000/fnm_multishells/4242_1700000000/bin', ...SYSTEM],
        openclaw: at('/run/user/1000/fnm_multishells/4242_1700000000/bin', `${HOME}/.local/share/fnm/node-versions/v24.21.0/installation/bin`),
        node: at('/run/user/1000/fnm_multishells/4242_1700000000/bin', `${HOME}/.local/share/fnm/node-versions/v24.21.0/installation/bin`),
      }),
      entries: [LINK, ...SYSTEM],
      link: `${HOME}/.local/share/fnm/node-versions/v24.21.0/installation/bin`,
      dropped: ['/run/user/1000/fnm_multishells/4242_1700000000/bin:per-version'],
    },
    {
      what: 'npm prefix ~/.npm-global with a system node: both folders as found, no link',
      facts: facts({ installerPath: [`${HOME}/.npm-global/bin`, ...SYSTEM], openclaw: at(`${HOME}/.npm-global/bin`), node: at('/usr/bin') }),
      entries: [`${HOME}/.npm-global/bin`, '/usr/bin', ...SYSTEM.filter((dir) => dir !== '/usr/bin')],
      link: null,
      dropped: [],
    },
    {
      what: "openclaw in ~/.npm-global, node from nvm: node's folder becomes the link",
      facts: facts({ installerPath: [NVM24, `${HOME}/.npm-global/bin`, ...SYSTEM], openclaw: at(`${HOME}/.npm-global/bin`), node: at(NVM24) }),
      entries: [`${HOME}/.npm-global/bin`, LINK, ...SYSTEM],
      link: NVM24,
      dropped: [`${NVM24}:per-version`],
    },
    {
      what: 'a stable manager folder (volta shims) stays as found; a "current" link of nvm too',
      facts: facts({ installerPath: [`${HOME}/.volta/bin`, `${HOME}/.nvm/current/bin`, ...SYSTEM], openclaw: at(`${HOME}/.volta/bin`), node: at(`${HOME}/.volta/bin`) }),
      entries: [`${HOME}/.volta/bin`, ...SYSTEM, `${HOME}/.nvm/current/bin`],
      link: null,
      dropped: [],
    },
    {
      what: 'stable user folders the installer had are kept after the system folders; others are not needed',
      facts: facts({ installerPath: [`${HOME}/.local/bin`, `${HOME}/go/bin`, '/usr/games', '/snap/bin', ...SYSTEM], openclaw: at('/usr/bin'), node: at('/usr/bin') }),
      entries: ['/usr/bin', ...SYSTEM.filter((dir) => dir !== '/usr/bin'), `${HOME}/.local/bin`, '/snap/bin'],
      link: null,
      dropped: [`${HOME}/go/bin:not-needed`, '/usr/games:not-needed'],
    },
    {
      what: 'neither openclaw nor node on PATH: the system folders only',
      facts: facts({ installerPath: ['/opt/node24/bin', '/usr/bin'] }),
      entries: SYSTEM,
      link: null,
      dropped: ['/opt/node24/bin:not-needed'],
    },
    {
      what: 'macOS: the canonical system PATH the gateway gives its own LaunchAgents',
      facts: facts({ platform: 'darwin', home: '/Users/gmk', installerPath: ['/opt/homebrew/bin', '/usr/bin'], openclaw: at('/opt/homebrew/bin'), node: at('/opt/homebrew/bin') }),
      entries: ['/opt/homebrew/bin', '/opt/homebrew/sbin', '/usr/local/bin', '/usr/bin', '/bin', '/usr/sbin', '/sbin'],
      link: null,
      dropped: [],
    },
  ])('$what', ({ facts: input, entries, link, dropped }) => {
    const path = buildServicePath(input);
    expect(path.entries).toEqual(entries);
    expect(path.stableLink).toEqual(link === null ? null : { path: LINK, target: link });
    expect(path.dropped.map(({ entry, reason }) => `${entry}:${reason}`)).toEqual(dropped);
  });
});

describe('isPerVersionDir', () => {
  it.each([
    [NVM24, true],
    [`${HOME}/.nodenv/versions/24.21.0/bin`, true],
    [`${HOME}/.asdf/installs/nodejs/24.21.0/bin`, true],
    [`${HOME}/.local/share/mise/installs/node/24/bin`, true],
    [`${HOME}/.volta/tools/image/node/24.21.0/bin`, true],
    [`${HOME}/.nvm/current/bin`, false],
    [`${HOME}/.volta/bin`, false],
    ['/usr/local/bin', false],
  ])('%s: %s', (dir, expected) => {
    expect(isPerVersionDir(dir)).toBe(expected);
  });
});

describe('describeDroppedEntries', () => {
  it('names each folder left out, why, and the file to add one to', () => {
    const path = buildServicePath(facts({ installerPath: [NVM24, `${HOME}/.cargo/bin`, ...SYSTEM], openclaw: at(NVM24), node: at(NVM24) }));
    expect(describeDroppedEntries(path, '/etc/clawsup/clawsupd.env')).toBe(
      `the service's PATH leaves out ${NVM24} (one Node version, reached through ${LINK}), ${HOME}/.cargo/bin (set by your shell); add a folder the gateway's tools need to PATH in /etc/clawsup/clawsupd.env`,
    );
    expect(describeDroppedEntries(buildServicePath(facts({ openclaw: at('/usr/bin') })), '/etc/clawsup/clawsupd.env')).toBeNull();
  });
});

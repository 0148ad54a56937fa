// The install plan's part of issue 11: the stable link the service PATH names, under the system trust check, and the
// logrotate rules for log.file.
import { describe, expect, it } from 'vitest';
import { readTemplates } from '../../src/install/install-facts.js';
import { resolveLayout, type Platform, type Scope } from '../../src/install/layout.js';
import type { PathNode } from '../../src/install/path-trust.js';
import { describeInstallAction, planInstall, type InstallFacts } from '../../src/install/plan-install.js';

const templates = readTemplates();
const LINK = '/usr/local/lib/clawsup/gateway-bin';
const NVM = '/home/gmk/.nvm/versions/node/v24.21.0/bin';
const dir = (path: string, uid = 0, mode = 0o755): PathNode => ({ path, uid, gid: uid, mode, isDirectory: true });
const chainOf = (uid: number): PathNode[] => [dir('/'), dir('/home'), dir('/home/gmk', uid), dir('/home/gmk/.nvm', uid), dir(NVM, uid)];

function facts(overrides: Partial<InstallFacts> = {}, platform: Platform = 'linux', scope: Scope = 'system'): InstallFacts {
  return {
    layout: resolveLayout(platform, scope, '/root'),
    uid: 0,
    userName: 'root',
    home: '/root',
    runAs: 'gmk',
    runAsHome: '/home/gmk',
    runAsUser: { uid: 1000, gid: 1000 },
    pathChains: { node: [], clawsupd: [], configLoader: [], pathEntries: [{ entry: LINK, chain: chainOf(1000) }, { entry: '/usr/bin', chain: [dir('/'), dir('/usr'), dir('/usr/bin')] }] },
    nodePath: '/usr/bin/node',
    clawsupdPath: '/usr/lib/node_modules/clawsup/dist/daemon/clawsupd.js',
    pathEnv: `${LINK}:/usr/bin`,
    templates,
    hasConfig: false,
    hasEnvFile: false,
    isLingering: false,
    openclawServices: [],
    shouldReplaceExisting: false,
    gatewayPath: { stableLink: { path: LINK, target: NVM }, notes: [] },
    ...overrides,
  };
}

function dryRun(input: InstallFacts): string[] {
  const plan = planInstall(input);
  if (!plan.ok) throw new Error(plan.refusals.join('\n'));
  return plan.actions.map(describeInstallAction);
}

describe('the stable link of the service PATH', () => {
  it("links to the run-as user's own nvm folder and names the link in the env file", () => {
    const lines = dryRun(facts());
    expect(lines).toContain(`link ${LINK} -> ${NVM}`);
    const plan = planInstall(facts());
    const envFile = plan.ok ? plan.actions.find((action) => action.type === 'write-file' && action.path === '/etc/clawsup/clawsupd.env') : undefined;
    expect(envFile?.type === 'write-file' ? envFile.content : '').toContain(`\nPATH=${LINK}:/usr/bin\n`);
  });

  it("is neither written nor named when the folder it would reach is another user's", () => {
    const lines = dryRun(facts({ pathChains: { ...facts().pathChains, pathEntries: [{ entry: LINK, chain: chainOf(1001) }, { entry: '/usr/bin', chain: [dir('/')] }] } }));
    expect(lines.filter((line) => line.includes(LINK))).toEqual([`note: left ${LINK} out of the service's PATH: /home/gmk is owned by uid 1001, not root or gmk`]);
  });

  it("says the install's notes about the PATH", () => {
    expect(dryRun(facts({ gatewayPath: { stableLink: null, notes: ['the service\'s PATH leaves out /root/.cargo/bin (set by your shell)'] } }))).toContain(
      "note: the service's PATH leaves out /root/.cargo/bin (set by your shell)",
    );
  });
});

describe('the logrotate rules for log.file', () => {
  const rulesOf = (lines: string[]): string[] => lines.filter((line) => line.includes('logrotate'));

  it.each([
    { what: 'a Linux system install whose config sets log.file', input: facts({ logFile: '/var/log/clawsup/clawsupd.log' }), count: 2 },
    { what: 'a config that logs to the journal', input: facts({ logFile: null }), count: 0 },
    { what: 'a user install (/etc/logrotate.d is root’s)', input: facts({ logFile: '/home/gmk/clawsupd.log' }, 'linux', 'user'), count: 0 },
    { what: 'macOS (newsyslog rotates there)', input: facts({ logFile: '/Library/Logs/clawsup/clawsupd.log' }, 'darwin', 'system'), count: 0 },
  ])('$what: $count lines', ({ input, count }) => {
    expect(rulesOf(dryRun(input))).toHaveLength(count);
  });

  it('names the path, su to the run-as user and group, in the rules written', () => {
    const plan = planInstall(facts({ logFile: '/var/log/clawsup/clawsupd.log' }));
    const rules = plan.ok ? plan.actions.find((action) => action.type === 'write-file' && action.path === '/etc/logrotate.d/clawsup') : undefined;
    const content = rules?.type === 'write-file' ? rules.content : '';
    expect(content).toContain('"/var/log/clawsup/clawsupd.log" {\n    su gmk 1000\n');
  });

  it('writes none for a path logrotate cannot quote, and says so', () => {
    expect(rulesOf(dryRun(facts({ logFile: '/var/log/a"b.log' })))).toEqual(['note: wrote no /etc/logrotate.d/clawsup: log.file "/var/log/a\\"b.log" is not an absolute path logrotate can quote']);
  });
});

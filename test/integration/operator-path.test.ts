// The operator's path (issue 11) under a real systemd 252: npm pack, npm install -g of the tarball, `clawctl install
// --system --run-as` a user made for the test, the gateway supervised by the installed unit, root's `clawctl status`,
// a kill -9 of the gateway recovered, `clawctl uninstall --system` and `npm uninstall -g`, then the file list of every
// folder the path touches compared with the one taken before. The host is never changed: the namespace lays overlays
// over /etc, /usr/local, /var and /home (writes land in a tmpfs gone with it), and the npm prefix is a temp folder.
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/daemon.js';
import { freePort } from '../helpers/free-port.js';
import { bootSystemd, canBootSystemd, overlayDirs, type CommandResult, type SystemdNamespace } from '../helpers/systemd-namespace.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const support = canBootSystemd();
if (!support.ok) console.warn(`skipping the operator path under real systemd: ${support.why}`);
const IS_REAL = process.env['CLAWSUP_REAL_OPENCLAW'] === '1';

const UNIT = 'clawsupd.service';
const RUN_AS = 'clawop';
const CLEAN_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const ROOT_ENV = ['HOME=/root', 'USER=root', 'LOGNAME=root'];
const NPM_TIMEOUT_MS = 120_000;
const version = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
// The folders an install, a service start and useradd write to; their churn that is systemd's own is left out.
const LISTED_DIRS = ['/etc', '/usr/local', '/var', '/home', '/run'];
const CHURN_DIRS = ['/run/systemd', '/var/lib/systemd', '/var/tmp', '/run/user', '/var/log/journal'];

interface StatusFile {
  mode: string;
  daemon: { pid: number };
  gateway: { pid: number | null; restarts: number };
}

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], cwd = REPO_ROOT): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, timeout: NPM_TIMEOUT_MS, killSignal: 'SIGKILL' }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr });
    });
  });
}

function listTree(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, encoding: 'utf8' }).map((entry) => relative(root, join(root, entry))).sort();
}

/** Type, mode, owner (and size for what is not a folder) of every path under the listed folders, as the namespace sees them. */
async function listMachine(ns: SystemdNamespace): Promise<string[]> {
  const prune = CHURN_DIRS.flatMap((dir, i) => (i === 0 ? ['-path', dir] : ['-o', '-path', dir]));
  const args = [...LISTED_DIRS, '(', ...prune, ')', '-prune', '-o', '-type', 'd', '-printf', '%y %m %u:%g - %p\\n', '-o', '-printf', '%y %m %u:%g %s %p\\n'];
  const listed = await ns.exec('find', args, 30_000);
  if (listed.code !== 0) throw new Error(`find failed (exit ${listed.code}, ${listed.stdout.length} bytes listed): ${listed.stderr}`);
  return listed.stdout.split('\n').filter((line) => line !== '').sort();
}

function diffLists(before: readonly string[], after: readonly string[]): { added: string[]; removed: string[] } {
  const had = new Set(before);
  const has = new Set(after);
  return { added: after.filter((line) => !had.has(line)), removed: before.filter((line) => !has.has(line)) };
}

async function readStatus(ns: SystemdNamespace): Promise<StatusFile | null> {
  const read = await ns.exec('cat', ['/var/lib/clawsup/status.json']);
  if (read.code !== 0) return null;
  try {
    return JSON.parse(read.stdout) as StatusFile;
  } catch {
    return null; // never half a file (atomic rename), but a missing one reads as empty
  }
}

async function waitForStatus(ns: SystemdNamespace, what: string, isDone: (status: StatusFile) => boolean, timeoutMs: number): Promise<StatusFile> {
  const deadlineMs = Date.now() + timeoutMs;
  let last: StatusFile | null = null;
  while (Date.now() < deadlineMs) {
    last = await readStatus(ns);
    if (last !== null && isDone(last)) return last;
    // A diagnosis by the running clawsupd (not one left by the daemon before a restart) will not heal by waiting.
    if (last?.mode === 'diagnose' && String(last.daemon.pid) === (await ns.show(UNIT, ['MainPID'])).MainPID) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const journal = await ns.exec('systemctl', ['status', '--no-pager', '-l', UNIT]);
  throw new Error(`${what}: not within ${timeoutMs} ms (or diagnosed); last status.json: ${JSON.stringify(last)}\n${journal.stdout}`);
}

const CONFIG_FILE = '/etc/clawsup/clawsup.json5';

/** An operator's edit: the file keeps its mode and owner (cp onto it), only its text changes. */
async function editFile(ns: SystemdNamespace, temp: string, path: string, edits: Array<[RegExp, string]>): Promise<void> {
  const read = await ns.exec('cat', [path]);
  expect(read.code, read.stderr).toBe(0);
  let text = read.stdout;
  for (const [pattern, replacement] of edits) {
    expect(text, `${path}: no line matches ${pattern}`).toMatch(pattern);
    text = text.replace(pattern, replacement);
  }
  const draft = join(temp, 'edited');
  writeFileSync(draft, text, { mode: 0o644 });
  const copied = await ns.exec('cp', [draft, path]);
  expect(copied.code, copied.stderr).toBe(0);
}

function describeRun(result: CommandResult): string {
  return `exit ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`;
}

interface Variant {
  name: string;
  timeoutMs: number;
  /** The installer's PATH (written to clawsupd.env: the gateway finds its command through it). */
  installPath: string;
  /** Host-side preparation in the test's temp folder, before the overlays (the namespace may not see later writes). */
  beforeBoot?: (temp: string) => Promise<void>;
  /** Overlaid besides the listed folders (the real gateway's /tmp/openclaw; /root, made traversable for its cache). */
  extraOverlays?: string[];
  /** What the operator does before `clawctl install`, and between it and the first healthy status. */
  beforeInstall: (ns: SystemdNamespace, temp: string, prefix: string) => Promise<void>;
  afterInstall: (ns: SystemdNamespace, temp: string, prefix: string) => Promise<void>;
  /** Files the operator made that uninstall rightly leaves (besides /var/lib/clawsup), and what it says of them. */
  keptByDesign: RegExp[];
  uninstallNotes: string[];
}

function describeOperatorPath(variant: Variant, isEnabled: boolean): void {
  describe.skipIf(!support.ok || !isEnabled)(`the operator's path under systemd 252 (${variant.name})`, () => {
    let ns: SystemdNamespace | undefined;
    let temp: { path: string; remove(): void };
    let prefix = '';
    const clawctl = (): string => join(prefix, 'bin/clawctl');
    const asRoot = (args: string[], timeoutMs?: number): Promise<CommandResult> =>
      (ns as SystemdNamespace).exec('env', [...ROOT_ENV, `PATH=${variant.installPath}`, clawctl(), ...args], timeoutMs);

    beforeAll(async () => {
      temp = makeTempDir('cs-op-');
      // The service's user reaches the installed copy through this folder (mkdtemp makes it 0700).
      chmodSync(temp.path, 0o755);
      prefix = join(temp.path, 'prefix');
    });

    afterAll(async () => {
      await ns?.shutdown();
      temp?.remove();
    }, 60_000);

    it(
      'installs from the tarball as a new operator would, recovers a kill -9 of the gateway, and uninstall leaves the machine as it found it',
      async () => {
        const startedAtMs = Date.now();
        // dist/ is built (pretest): --ignore-scripts packs it as it is instead of rebuilding it in a shared tree.
        const packed = await run('npm', ['pack', '--ignore-scripts', '--pack-destination', temp.path]);
        expect(packed.code, packed.stderr).toBe(0);
        const tarball = join(temp.path, `clawsup-${version}.tgz`);
        // Into a temp prefix, before the namespace lays its overlays: the prefix is no folder of the listed machine.
        const installed = await run('npm', ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', tarball]);
        expect(installed.code, installed.stderr).toBe(0);
        await variant.beforeBoot?.(temp.path);

        ns = await bootSystemd({ unitDir: join(temp.path, 'units'), extraUnitDirs: ['/etc/systemd/system'], logFile: join(temp.path, 'systemd.log') });
        await overlayDirs(ns, [...LISTED_DIRS.filter((dir) => dir !== '/run'), ...(variant.extraOverlays ?? [])]);
        // A user of this namespace only: /etc/passwd and /home here are overlays.
        const added = await ns.exec('useradd', ['--create-home', '--shell', '/usr/sbin/nologin', RUN_AS]);
        expect(added.code, added.stderr).toBe(0);
        expect(readFileSync('/etc/passwd', 'utf8')).not.toMatch(new RegExp(`^${RUN_AS}:`, 'm'));
        const before = await listMachine(ns);

        await variant.beforeInstall(ns, temp.path, prefix);

        const installAtMs = Date.now();
        const install = await asRoot(['install', '--system', '--run-as', RUN_AS], 660_000);
        expect(install.code, describeRun(install)).toBe(0);
        expect(install.stdout).toContain(`installed ${UNIT} (/etc/systemd/system/${UNIT})`);
        const unit = await ns.exec('cat', [`/etc/systemd/system/${UNIT}`]);
        expect(unit.stdout).toMatch(new RegExp(`^User=${RUN_AS}$`, 'm'));
        expect((await ns.show(UNIT, ['UnitFileState'])).UnitFileState).toBe('enabled');
        await ns.waitFor(UNIT, (props) => props['ActiveState'] === 'active', 30_000);
        await variant.afterInstall(ns, temp.path, prefix);

        const healthy = await waitForStatus(ns, 'healthy after install', (s) => s.mode === 'healthy' && s.gateway.pid !== null, variant.timeoutMs / 2);
        const healthyMs = Date.now() - installAtMs;
        expect(healthy.gateway.restarts).toBe(0);
        // sudo-style: root, no flags, root's own HOME (no config of its own there).
        const status = await asRoot(['status']);
        expect(status.code, describeRun(status)).toBe(0);
        expect(status.stdout).toContain('healthy');

        // The list sees what install wrote (so an equal list after uninstall means it is all gone).
        const installedPaths = diffLists(before, await listMachine(ns)).added.map((line) => line.split(' ').slice(-1)[0]);
        expect(installedPaths).toEqual(
          expect.arrayContaining([
            `/etc/systemd/system/${UNIT}`,
            `/etc/systemd/system/multi-user.target.wants/${UNIT}`,
            CONFIG_FILE,
            '/etc/clawsup/clawsupd.env',
            '/usr/local/lib/clawsup/node',
            '/usr/local/lib/clawsup/clawsupd.js',
            '/usr/local/lib/clawsup/install-manifest.json',
            '/run/clawsup/clawsupd.sock',
            '/var/lib/clawsup/status.json',
          ]),
        );

        const firstPid = healthy.gateway.pid as number;
        const killedAtMs = Date.now();
        expect((await ns.exec('kill', ['-9', String(firstPid)])).code).toBe(0);
        const recovered = await waitForStatus(
          ns,
          'a new gateway, healthy, after kill -9',
          (s) => s.mode === 'healthy' && s.gateway.pid !== null && s.gateway.pid !== firstPid,
          variant.timeoutMs / 2,
        );
        const recoveredMs = Date.now() - killedAtMs;
        expect(recovered.gateway.restarts).toBe(1);
        const statusAgain = await asRoot(['status']);
        expect(statusAgain.code, describeRun(statusAgain)).toBe(0);
        expect((await ns.show(UNIT, ['NRestarts'])).NRestarts).toBe('0'); // the gateway restarted, not clawsupd

        const uninstall = await asRoot(['uninstall', '--system'], 60_000);
        expect(uninstall.code, describeRun(uninstall)).toBe(0);
        for (const note of variant.uninstallNotes) expect(uninstall.stdout).toContain(note);
        expect((await ns.show(UNIT, ['LoadState'])).LoadState).toBe('not-found');
        const removed = await run('npm', ['uninstall', '-g', '--prefix', prefix, 'clawsup']);
        expect(removed.code, removed.stderr).toBe(0);
        expect(listTree(prefix).filter((path) => path.includes('clawsup') || path.startsWith('bin/claw'))).toEqual([]);

        const after = await listMachine(ns);
        const diff = diffLists(before, after);
        expect(diff.removed).toEqual([]);
        // systemd keeps a StateDirectory= on stop by design: status.json and the last records stay for a post-mortem.
        const isKept = (line: string): boolean => / \/var\/lib\/clawsup(\/|$)/.test(line) || variant.keptByDesign.some((pattern) => pattern.test(line));
        expect(diff.added.filter((line) => !isKept(line))).toEqual([]);
        expect(diff.added.filter((line) => / \/var\/lib\/clawsup(\/|$)/.test(line)).map((line) => line.split(' ').slice(-1)[0])).toContain('/var/lib/clawsup/status.json');
        // Nothing of it ever reached the host (this process sees the host's mounts, not the namespace's).
        for (const path of ['/etc/clawsup', '/usr/local/lib/clawsup', `/etc/systemd/system/${UNIT}`, '/var/lib/clawsup', `/home/${RUN_AS}`]) {
          expect({ path, exists: existsSync(path) }).toEqual({ path, exists: false });
        }
        const inHome = diff.added.filter((line) => line.includes(` /home/${RUN_AS}/`));
        const figures = `${Date.now() - startedAtMs} ms in all, healthy ${healthyMs} ms after install began, healthy again ${recoveredMs} ms after kill -9`;
        const kept = [...diff.added.filter((line) => !inHome.includes(line)), ...(inHome.length > 0 ? [`(${inHome.length} paths under /home/${RUN_AS}/)`] : [])];
        process.stdout.write(`operator path (${variant.name}): ${figures}; ${before.length} paths listed; kept after uninstall:\n  ${kept.join('\n  ')}\n`);
      },
      variant.timeoutMs + NPM_TIMEOUT_MS,
    );
  });
}

describeOperatorPath(
  {
    name: 'the demo gateway',
    timeoutMs: 60_000,
    installPath: CLEAN_PATH,
    beforeInstall: async () => undefined,
    // No OpenClaw on this machine: the operator points the installed config at the demo, then restarts the unit.
    afterInstall: async (ns, temp, prefix) => {
      const port = await freePort();
      const demo = join(prefix, 'lib/node_modules/clawsup/dist/demo/demo-gateway.js');
      await editFile(ns, temp, CONFIG_FILE, [
        [/^ *command: \[.*\],$/m, `    command: ['node', ${JSON.stringify(demo)}, '--port', '${port}', '--startup-ms', '200'],`],
        [/^ *stopTimeoutMs: \d+,$/m, '    stopTimeoutMs: 10000,'],
        [/^ *openclawConfigPath: .*\n/m, ''],
        [/^ *url: 'http:\/\/127\.0\.0\.1:18789\/healthz',$/m, `    url: 'http://127.0.0.1:${port}/healthz',`],
      ]);
      const restarted = await ns.systemctl('restart', UNIT);
      expect(restarted.code, describeRun(restarted)).toBe(0);
    },
    // The config the operator edited: uninstall keeps a changed file and says so.
    keptByDesign: [/ \/etc\/clawsup$/, / \/etc\/clawsup\/clawsup\.json5$/],
    uninstallNotes: [`kept ${CONFIG_FILE}: changed since install`],
  },
  true,
);

const TOKEN = `clawsup-operator-${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
let openclawBin = '';

function installOpenClaw(): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('bash', [join(REPO_ROOT, 'test/helpers/install-openclaw.sh')], { timeout: 15 * 60_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`install-openclaw.sh failed: ${error.message}\n${stderr.slice(-4000)}`));
      else resolve(stdout.trim().split('\n').slice(-1)[0]?.trim() ?? '');
    });
  });
}

/** The installed config's gateway listens on OpenClaw's own 18789: the namespace shares the host's network. */
async function assertPortFree(port: number): Promise<void> {
  const { createServer } = await import('node:net');
  await new Promise<void>((resolve, reject) => {
    const server = createServer();
    server.once('error', (error) => reject(new Error(`127.0.0.1:${port} is taken on this host (${error.message}): the real variant runs the installed config, whose gateway listens there`)));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
  });
}

describeOperatorPath(
  {
    name: 'real openclaw@2026.9.6, CLAWSUP_REAL_OPENCLAW=1',
    timeoutMs: 15 * 60_000,
    get installPath() {
      return `${openclawBin}:${CLEAN_PATH}`;
    },
    beforeBoot: async (temp) => {
      openclawBin = await installOpenClaw();
      await assertPortFree(18789);
      // What `openclaw setup` leaves for a local gateway: the installed config runs `openclaw gateway run` and reads the token here.
      writeFileSync(join(temp, 'openclaw.json'), JSON.stringify({ gateway: { mode: 'local', auth: { mode: 'token', token: TOKEN } } }, null, 2), { mode: 0o644 });
    },
    // The gateway writes /tmp/openclaw; its cache is under /root, which only root may enter (mode 0700).
    extraOverlays: ['/root', '/tmp'],
    beforeInstall: async (ns, temp) => {
      expect((await ns.exec('chmod', ['0711', '/root'])).code).toBe(0);
      // The gateway's state dir is its user's: the gateway makes its state/ and logs/ in it.
      const stateDir = `/home/${RUN_AS}/.openclaw`;
      for (const argv of [['-d', '-o', RUN_AS, '-g', RUN_AS, '-m', '0700', stateDir], ['-o', RUN_AS, '-g', RUN_AS, '-m', '0600', join(temp, 'openclaw.json'), `${stateDir}/openclaw.json`]]) {
        const placed = await ns.exec('install', argv);
        expect(placed.code, placed.stderr).toBe(0);
      }
    },
    // The installed production config, unchanged: uninstall removes it.
    afterInstall: async () => undefined,
    // The gateway's user's home: the OpenClaw config the operator wrote, the gateway's state, its caches (~/.cache/openclaw,
    // ~/.npm/_logs), none of them clawsup's to remove.
    keptByDesign: [new RegExp(` /home/${RUN_AS}/`)],
    uninstallNotes: [],
  },
  IS_REAL,
);

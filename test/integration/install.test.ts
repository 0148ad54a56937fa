import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClawctlContext } from '../../src/cli/command.js';
import { runInstall } from '../../src/cli/commands/install.js';
import { runUninstall } from '../../src/cli/commands/uninstall.js';
import type { CommandRunner } from '../../src/install/command-runner.js';
import { parseConfigText } from '../../src/config/load-config.js';
import { CLAWCTL, CLAWSUPD } from '../helpers/daemon.js';

// What the units run: the single-file bundle (scripts/bundle.mjs).
const CLAWSUPD_BUNDLE = join(CLAWSUPD, '..', '..', 'clawsupd.cjs');
import { parsePlist } from '../helpers/plist.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const temps: Array<{ remove(): void }> = [];
afterEach(() => temps.splice(0).forEach((temp) => temp.remove()));

interface Setup {
  root: string;
  ran: string[][];
  out: string[];
  context: ClawctlContext;
  deps: { env: NodeJS.ProcessEnv; runner: CommandRunner; shouldRunCommands: boolean };
  listTree(): string[];
}

function setUp(home: string): Setup {
  const temp = makeTempDir('cs-inst-');
  temps.push(temp);
  const root = temp.path;
  mkdirSync(join(root, home), { recursive: true });
  // The users a system install may run as: install looks them up and never creates them.
  mkdirSync(join(root, 'etc'), { recursive: true });
  writeFileSync(join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/bash\nada:x:1000:1000::/home/ada:/bin/bash\nclaw:x:1001:1001::/home/claw:/bin/bash\n');
  const ran: string[][] = [];
  const out: string[] = [];
  const runner: CommandRunner = async (argv) => {
    ran.push([...argv]);
    return { code: 0, stdout: '', stderr: '' };
  };
  const listTree = (dir = root): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const path = join(dir, entry.name);
      return entry.isDirectory() ? [relative(root, path) + '/', ...listTree(path)] : [relative(root, path)];
    });
  return {
    root,
    ran,
    out,
    context: { configPath: undefined, socketPath: undefined, stdout: (text) => out.push(text), stderr: (text) => out.push(text) },
    deps: { env: { CLAWSUP_ROOT: root, HOME: home, USER: 'ada', PATH: '/opt/node24/bin:/usr/bin:relative/bin' }, runner, shouldRunCommands: true },
    listTree: () => listTree(),
  };
}

const read = (setup: Setup, path: string): string => readFileSync(join(setup.root, path), 'utf8');

/** A folder where `openclaw` and `node` resolve, put first on the installer's PATH: the service PATH starts there. */
function withCommandFolder(setup: Setup): { deps: Setup['deps']; bin: string } {
  const temp = makeTempDir('cs-bin-');
  temps.push(temp);
  for (const name of ['node', 'openclaw']) writeFileSync(join(temp.path, name), '#!/bin/sh\n', { mode: 0o755 });
  return { bin: temp.path, deps: { ...setup.deps, env: { ...setup.deps.env, PATH: `${temp.path}:/usr/bin:relative/bin` } } };
}

describe('clawctl install and uninstall on the Linux layout', () => {
  it('--user writes the unit, links, config and environment file, enables it, and uninstall takes all of it back', async () => {
    const setup = setUp('/home/ada');
    const before = setup.listTree();
    const { bin, deps } = withCommandFolder(setup);
    expect(await runInstall(['--user', '--platform', 'linux'], setup.context, deps)).toBe(0);
    expect(read(setup, '/home/ada/.config/systemd/user/clawsupd.service')).toBe(readFileSync('units/clawsupd.user.service', 'utf8'));
    expect(readlinkSync(join(setup.root, '/home/ada/.local/lib/clawsup/clawsupd.js'))).toBe(realpathSync(CLAWSUPD_BUNDLE));
    expect(readlinkSync(join(setup.root, '/home/ada/.local/lib/clawsup/node'))).toBe(realpathSync(process.execPath));
    expect(read(setup, '/home/ada/.config/clawsup/clawsupd.env')).toContain(`PATH=${bin}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n`);
    expect(read(setup, '/home/ada/.config/clawsup/clawsup.json5')).toBe(readFileSync('packaging/config/production.json5', 'utf8'));
    expect(setup.ran).toEqual([
      ['systemctl', '--user', 'daemon-reload'],
      ['systemctl', '--user', 'enable', '--now', 'clawsupd.service'],
      ['loginctl', 'enable-linger', 'ada'],
    ]);
    setup.ran.length = 0;
    expect(await runUninstall(['--platform', 'linux'], setup.context, setup.deps)).toBe(0);
    expect(setup.ran).toEqual([
      ['loginctl', 'disable-linger', 'ada'],
      ['systemctl', '--user', 'disable', '--now', 'clawsupd.service'],
      ['systemctl', '--user', 'daemon-reload'],
    ]);
    expect(setup.listTree()).toEqual(before);
  });

  it('--system fills in User= and the paths, and keeps a config its operator edited', async () => {
    const setup = setUp('/home/ada');
    expect(await runInstall(['--system', '--platform', 'linux', '--run-as', 'claw'], setup.context, setup.deps)).toBe(0);
    const unit = read(setup, '/etc/systemd/system/clawsupd.service');
    expect(unit).toMatch(/^User=claw$/m);
    expect(unit).toMatch(/^ExecStart=\/usr\/local\/lib\/clawsup\/node \/usr\/local\/lib\/clawsup\/clawsupd\.js --config \$\{CLAWSUP_CONFIG\}$/m);
    expect(setup.ran).toContainEqual(['systemctl', 'enable', '--now', 'clawsupd.service']);
    writeFileSync(join(setup.root, '/etc/clawsup/clawsup.json5'), '{ gateway: { command: ["openclaw"] } }');
    expect(await runUninstall(['--system', '--platform', 'linux'], setup.context, setup.deps)).toBe(0);
    expect(existsSync(join(setup.root, '/etc/clawsup/clawsup.json5'))).toBe(true);
    expect(existsSync(join(setup.root, '/etc/systemd/system/clawsupd.service'))).toBe(false);
    expect(existsSync(join(setup.root, '/usr/local/lib/clawsup'))).toBe(false);
    expect(setup.out.join('')).toContain('kept /etc/clawsup/clawsup.json5');
  });

  it('--system writes a config with system paths (no ~/, whose home would be root under sudo) that clawsupd loads as a system config', async () => {
    const setup = setUp('/root');
    expect(await runInstall(['--system', '--platform', 'linux', '--run-as', 'claw'], setup.context, setup.deps)).toBe(0);
    const text = read(setup, '/etc/clawsup/clawsup.json5');
    expect(text).not.toMatch(/['"]~\//);
    const config = parseConfigText(text, '/etc/clawsup/clawsup.json5', '/root');
    expect(config.control.socket).toBe('/run/clawsup/clawsupd.sock');
    expect(config.status.dir).toBe('/var/lib/clawsup');
    expect(config.gateway.openclawConfigPath).toBe('/home/claw/.openclaw/openclaw.json');
    const unit = read(setup, '/etc/systemd/system/clawsupd.service').split('\n');
    expect(unit).toEqual(expect.arrayContaining(['StateDirectory=clawsup', 'RuntimeDirectory=clawsup', 'Environment=CLAWSUP_SCOPE=system']));
  });

  it('--system --dry-run shows User=, the status dir and the socket', async () => {
    const setup = setUp('/root');
    expect(await runInstall(['--system', '--platform', 'linux', '--run-as', 'claw', '--dry-run'], setup.context, setup.deps)).toBe(0);
    const out = setup.out.join('');
    expect(out).toContain('write /etc/systemd/system/clawsupd.service (User=claw; status dir /var/lib/clawsup, control socket /run/clawsup/clawsupd.sock');
    expect(out).toContain('write /etc/clawsup/clawsup.json5 (mode 0640 group 1001; status.dir /var/lib/clawsup, control.socket /run/clawsup/clawsupd.sock)');
  });

  it('refuses beside an openclaw-gateway unit, naming it and the fix; --replace-existing disables it and uninstall restores it', async () => {
    const setup = setUp('/home/ada');
    mkdirSync(join(setup.root, '/home/ada/.config/systemd/user'), { recursive: true });
    writeFileSync(join(setup.root, '/home/ada/.config/systemd/user/openclaw-gateway-work.service'), '[Service]\n');
    await expect(runInstall(['--user', '--platform', 'linux'], setup.context, setup.deps)).rejects.toMatchObject({
      code: 'CLAWSUP_ERR_DUPLICATE_GATEWAY',
      message: expect.stringContaining('/home/ada/.config/systemd/user/openclaw-gateway-work.service'),
    });
    expect(existsSync(join(setup.root, '/home/ada/.local/lib/clawsup'))).toBe(false);
    expect(await runInstall(['--user', '--platform', 'linux', '--replace-existing'], setup.context, setup.deps)).toBe(0);
    expect(setup.ran[0]).toEqual(['systemctl', '--user', 'disable', '--now', 'openclaw-gateway-work.service']);
    expect(await runUninstall(['--user', '--platform', 'linux'], setup.context, setup.deps)).toBe(0);
    expect(setup.ran.at(-2)).toEqual(['systemctl', '--user', 'enable', '--now', 'openclaw-gateway-work.service']);
  });

  it('finds a system openclaw-gateway unit too', async () => {
    const setup = setUp('/root');
    mkdirSync(join(setup.root, '/etc/systemd/system'), { recursive: true });
    writeFileSync(join(setup.root, '/etc/systemd/system/openclaw-gateway.service'), '[Service]\n');
    await expect(runInstall(['--system', '--platform', 'linux'], setup.context, setup.deps)).rejects.toMatchObject({ code: 'CLAWSUP_ERR_DUPLICATE_GATEWAY' });
  });

  it('--dry-run lists the plan and writes nothing', async () => {
    const setup = setUp('/home/ada');
    const before = setup.listTree();
    expect(await runInstall(['--user', '--platform', 'linux', '--dry-run'], setup.context, setup.deps)).toBe(0);
    expect(setup.out.join('')).toContain('write /home/ada/.config/systemd/user/clawsupd.service');
    expect(setup.listTree()).toEqual(before);
    expect(setup.ran).toEqual([]);
  });

  it('uninstall without an install says so', async () => {
    const setup = setUp('/home/ada');
    await expect(runUninstall(['--platform', 'linux'], setup.context, setup.deps)).rejects.toMatchObject({ code: 'CLAWSUP_ERR_NOT_INSTALLED' });
  });
});

describe('clawctl install and uninstall on the macOS layout', () => {
  it('--user writes a well-formed LaunchAgent with the keys launchd needs, and newsyslog rules', async () => {
    const setup = setUp('/Users/ada');
    const before = setup.listTree();
    const { bin, deps } = withCommandFolder(setup);
    expect(await runInstall(['--user', '--platform', 'darwin'], setup.context, deps)).toBe(0);
    const plist = parsePlist(read(setup, '/Users/ada/Library/LaunchAgents/ai.clawsup.clawsupd.plist')) as Record<string, any>;
    expect(plist.Label).toBe('ai.clawsup.clawsupd');
    expect(plist.Label).not.toMatch(/^ai\.openclaw\./);
    expect(plist.ProgramArguments).toEqual([
      '/Users/ada/Library/Application Support/clawsup/node',
      '/Users/ada/Library/Application Support/clawsup/clawsupd.js',
      '--config',
      '/Users/ada/.config/clawsup/clawsup.json5',
    ]);
    expect(plist.RunAtLoad).toBe(true);
    expect(plist.KeepAlive).toEqual({ SuccessfulExit: false });
    expect(plist.ThrottleInterval).toBeGreaterThan(0);
    expect(plist.StandardOutPath).toBe('/Users/ada/Library/Logs/clawsup/clawsupd.out.log');
    expect(plist.StandardErrorPath).toBe('/Users/ada/Library/Logs/clawsup/clawsupd.err.log');
    expect(plist.EnvironmentVariables).toEqual({ PATH: `${bin}:/opt/homebrew/bin:/opt/homebrew/sbin:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin` });
    expect(plist.UserName).toBeUndefined();
    const newsyslog = read(setup, '/Users/ada/Library/Application Support/clawsup/newsyslog.conf');
    // No pid file, no signal (N): root's newsyslog must not signal a pid read from a file ada can write.
    expect(newsyslog).toMatch(/^\/Users\/ada\/Library\/Logs\/clawsup\/clawsupd\.log\s+ada:staff\s+640\s+\d+\s+\d+\s+\*\s+N$/m);
    expect(newsyslog).not.toContain('clawsupd.pid');
    expect(read(setup, '/Users/ada/.config/clawsup/clawsup.json5')).toContain('log: { file: "/Users/ada/Library/Logs/clawsup/clawsupd.log" }');
    expect(setup.out.join('')).toContain('sudo cp');
    const uid = String(process.getuid?.() ?? 0);
    expect(setup.ran).toEqual([['launchctl', 'bootstrap', `gui/${uid}`, '/Users/ada/Library/LaunchAgents/ai.clawsup.clawsupd.plist']]);
    setup.ran.length = 0;
    expect(await runUninstall(['--platform', 'darwin'], setup.context, setup.deps)).toBe(0);
    expect(setup.ran).toEqual([['launchctl', 'bootout', `gui/${uid}/ai.clawsup.clawsupd`]]);
    expect(setup.listTree()).toEqual(before);
  });

  it('--system writes a LaunchDaemon that runs as the chosen user', async () => {
    const setup = setUp('/Users/ada');
    expect(await runInstall(['--system', '--platform', 'darwin', '--run-as', 'claw'], setup.context, setup.deps)).toBe(0);
    const plist = parsePlist(read(setup, '/Library/LaunchDaemons/ai.clawsup.clawsupd.plist')) as Record<string, any>;
    expect(plist.UserName).toBe('claw');
    expect(plist.ProgramArguments[0]).toBe('/usr/local/lib/clawsup/node');
    expect(existsSync(join(setup.root, '/etc/newsyslog.d/clawsup.conf'))).toBe(true);
  });

  it('--system gives the LaunchDaemon a state folder of its own (launchd has no StateDirectory=) and a config without ~/', async () => {
    const setup = setUp('/Users/ada');
    expect(await runInstall(['--system', '--platform', 'darwin', '--run-as', 'claw'], setup.context, setup.deps)).toBe(0);
    expect(existsSync(join(setup.root, '/Library/Application Support/clawsup'))).toBe(true);
    expect(setup.ran).toContainEqual(['chown', 'claw:staff', '/Library/Application Support/clawsup']);
    const text = read(setup, '/etc/clawsup/clawsup.json5');
    expect(text).not.toMatch(/['"]~\//);
    expect(text).toContain('control: { socket: "/Library/Application Support/clawsup/run/clawsupd.sock" }');
    expect(text).toContain('status: { dir: "/Library/Application Support/clawsup/status" }');
    expect(text).toContain('"/home/claw/.openclaw/openclaw.json"');
  });

  it.each([
    ['/Users/ada/Library/LaunchAgents', 'ai.openclaw.gateway.plist'],
    ['/Library/LaunchDaemons', 'ai.openclaw.work.plist'],
  ])('refuses beside %s/%s', async (dir, name) => {
    const setup = setUp('/Users/ada');
    mkdirSync(join(setup.root, dir), { recursive: true });
    writeFileSync(join(setup.root, dir, name), '<plist/>');
    await expect(runInstall(['--user', '--platform', 'darwin'], setup.context, setup.deps)).rejects.toMatchObject({
      code: 'CLAWSUP_ERR_DUPLICATE_GATEWAY',
      message: expect.stringContaining(`${dir}/${name}`),
    });
  });
});

describe('the shipped plist template', () => {
  it('is a well-formed property list', () => {
    const plist = parsePlist(readFileSync('launchd/ai.clawsup.clawsupd.plist', 'utf8')) as Record<string, unknown>;
    expect(Object.keys(plist)).toEqual(
      expect.arrayContaining(['Label', 'ProgramArguments', 'RunAtLoad', 'KeepAlive', 'ThrottleInterval', 'StandardOutPath', 'StandardErrorPath']),
    );
  });

  it('the checker rejects a malformed one', () => {
    expect(() => parsePlist('<plist><dict><key>Label</key></dict></plist>')).toThrow(/expected a value/);
    expect(() => parsePlist('<plist><dict><key>A</key><string>x</dict></plist>')).toThrow();
  });
});

describe('clawctl install trusts only what root or the run-as user owns', () => {
  const hostile: Array<{ remove(): void }> = [];
  afterEach(() => hostile.splice(0).forEach((temp) => temp.remove()));

  /** A folder owned by nobody (uid 65534), as another user's home would be. */
  function foreignFolder(): string {
    const temp = makeTempDir('cs-foreign-');
    hostile.push(temp);
    chmodSync(temp.path, 0o755);
    chownSync(temp.path, 65534, 65534);
    return temp.path;
  }

  it('refuses a system service that would run a node another user can replace, and says whose it is', () => {
    const setup = setUp('/root');
    const folder = foreignFolder();
    const node = join(folder, 'node');
    copyFileSync(process.execPath, node);
    chownSync(node, 65534, 65534);
    const result = spawnSync(node, [CLAWCTL, 'install', '--system', '--platform', 'linux', '--run-as', 'root'], {
      env: { ...setup.deps.env, HOME: '/root', USER: 'root', NODE_EXTRA_CA_CERTS: '' },
      encoding: 'utf8',
    });
    expect(result.stderr).toContain(`refusing to link node ${node}: ${folder} is owned by uid 65534, not root or root`);
    expect(result.status).toBe(77);
    expect(existsSync(join(setup.root, '/usr/local/lib/clawsup'))).toBe(false);
  });

  it("leaves PATH entries another user can write out of the service's environment, and says so", async () => {
    const setup = setUp('/root');
    const folder = foreignFolder();
    // openclaw and node resolve there, so the service PATH would start with it.
    for (const name of ['node', 'openclaw']) writeFileSync(join(folder, name), '#!/bin/sh\n', { mode: 0o755 });
    const env = { ...setup.deps.env, PATH: `${folder}:/usr/bin` };
    expect(await runInstall(['--system', '--platform', 'linux', '--run-as', 'root'], setup.context, { ...setup.deps, env })).toBe(0);
    expect(read(setup, '/etc/clawsup/clawsupd.env')).toContain('PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n');
    expect(setup.out.join('')).toContain(`left ${folder} out of the service's PATH: ${folder} is owned by uid 65534`);
  });

  it('writes the env file 0600 and the config 0640 to the run-as group, since both may hold the gateway token', async () => {
    const setup = setUp('/home/ada');
    expect(await runInstall(['--system', '--platform', 'linux', '--run-as', 'claw'], setup.context, setup.deps)).toBe(0);
    const envFile = statSync(join(setup.root, '/etc/clawsup/clawsupd.env'));
    const config = statSync(join(setup.root, '/etc/clawsup/clawsup.json5'));
    expect(envFile.mode & 0o777).toBe(0o600);
    expect(config.mode & 0o777).toBe(0o640);
    expect(config.gid).toBe(1001);
  });

  it('refuses to run a system service as a user that does not exist', async () => {
    const setup = setUp('/home/ada');
    await expect(runInstall(['--system', '--platform', 'linux', '--run-as', 'nosuchuser'], setup.context, setup.deps)).rejects.toMatchObject({
      code: 'CLAWSUP_ERR_UNKNOWN_USER',
      message: expect.stringContaining('--run-as nosuchuser: no such user on this system'),
    });
    expect(existsSync(join(setup.root, '/etc/systemd/system/clawsupd.service'))).toBe(false);
  });
});

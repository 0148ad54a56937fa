import { readFileSync } from 'node:fs';
import JSON5 from 'json5';
import { describe, expect, it } from 'vitest';
import { chooseControlSource, type ControlSourceFacts } from '../../src/cli/choose-control-source.js';
import { parseConfigText } from '../../src/config/load-config.js';
import { readConfigScope } from '../../src/config/path-defaults.js';
import { isClawsupError } from '../../src/errors.js';
import { readTemplates } from '../../src/install/install-facts.js';
import { resolveLayout } from '../../src/install/layout.js';
import { describeInstallAction, planInstall, type InstallFacts } from '../../src/install/plan-install.js';
import { renderConfig } from '../../src/install/render-service.js';

const SYSTEM_FILE = '/etc/clawsup/clawsup.json5';

function refusalOf(text: string, file = SYSTEM_FILE): string {
  try {
    parseConfigText(text, file, '/root');
  } catch (error) {
    if (isClawsupError(error) && error.code === 'CLAWSUP_ERR_CONFIG_INVALID') return error.message;
    throw error;
  }
  throw new Error('expected the config to be refused');
}

describe('which config is a system config', () => {
  it.each([
    { path: '/etc/clawsup/clawsup.json5', env: undefined, scope: 'system' },
    { path: '/etc/clawsup/other.json5', env: undefined, scope: 'system' },
    { path: '/etc/clawsup.json5', env: undefined, scope: 'user' },
    { path: '/home/ada/.config/clawsup/clawsup.json5', env: undefined, scope: 'user' },
    { path: '/srv/clawsup.json5', env: 'system', scope: 'system' },
    { path: '/srv/clawsup.json5', env: 'user', scope: 'user' },
  ])('$path with CLAWSUP_SCOPE=$env is a $scope config', ({ path, env, scope }) => {
    expect(readConfigScope(path, env)).toBe(scope);
  });
});

describe('a system config', () => {
  it('gets the system socket and status dir when it does not set them, not the home of whoever reads it', () => {
    const config = parseConfigText("{ gateway: { command: ['openclaw'] } }", SYSTEM_FILE, '/root');
    expect(config.control.socket).toBe(process.platform === 'darwin' ? '/Library/Application Support/clawsup/run/clawsupd.sock' : '/run/clawsup/clawsupd.sock');
    expect(config.status.dir).toBe(process.platform === 'darwin' ? '/Library/Application Support/clawsup/status' : '/var/lib/clawsup');
  });

  it('keeps the absolute paths it writes', () => {
    const config = parseConfigText("{ gateway: { command: ['openclaw'] }, control: { socket: '/srv/c.sock' }, status: { dir: '/srv/status' } }", SYSTEM_FILE, '/root');
    expect([config.control.socket, config.status.dir]).toEqual(['/srv/c.sock', '/srv/status']);
  });

  it.each([
    ['control.socket', "{\n  gateway: { command: ['x'] },\n  control: { socket: '~/.clawsup/clawsupd.sock' },\n}", `${SYSTEM_FILE}:3:22: control.socket`],
    ['status.dir', "{\n  gateway: { command: ['x'] },\n  status: { dir: '~/.clawsup/status' },\n}", `${SYSTEM_FILE}:3:18: status.dir`],
    ['gateway.openclawConfigPath', "{\n  gateway: { command: ['x'], openclawConfigPath: '~/.openclaw/openclaw.json' },\n}", `${SYSTEM_FILE}:2:50: gateway.openclawConfigPath`],
    ['gateway.cwd', "{ gateway: { command: ['x'], cwd: '~' } }", `${SYSTEM_FILE}:1:35: gateway.cwd`],
    ['log.file', "{ gateway: { command: ['x'] }, log: { file: '~/clawsupd.log' } }", `${SYSTEM_FILE}:1:45: log.file`],
  ])('refuses ~/ in %s, naming file, line and column', (_key, text, where) => {
    const message = refusalOf(text);
    expect(message).toContain(`${where}: a system config may not use ~/`);
    expect(message).toContain('write an absolute path');
  });

  it('a config the system unit loads (CLAWSUP_SCOPE=system) is held to the same rule wherever it sits', () => {
    expect(() => parseConfigText("{ gateway: { command: ['x'] }, status: { dir: '~/s' } }", '/srv/clawsup.json5', '/root', readConfigScope('/srv/clawsup.json5', 'system'))).toThrow(
      /a system config may not use ~\//,
    );
  });

  it('a user config still expands ~/', () => {
    const config = parseConfigText("{ gateway: { command: ['x'] }, status: { dir: '~/s' } }", '/home/ada/.config/clawsup/clawsup.json5', '/home/ada');
    expect(config.status.dir).toBe('/home/ada/s');
  });
});

describe('how clawctl finds the daemon without flags', () => {
  const base: ControlSourceFacts = {
    envConfig: undefined,
    userConfig: '/home/m/.config/clawsup/clawsup.json5',
    hasUserConfig: false,
    systemConfig: '/etc/clawsup/clawsup.json5',
    canReadSystemConfig: false,
    hasSystemSocket: false,
  };
  it.each([
    { what: '$CLAWSUP_CONFIG first', facts: { envConfig: '/srv/c.json5', hasUserConfig: true, canReadSystemConfig: true }, source: { type: 'config', path: '/srv/c.json5' } },
    { what: "the user's own config next", facts: { hasUserConfig: true, canReadSystemConfig: true, hasSystemSocket: true }, source: { type: 'config', path: base.userConfig } },
    { what: 'root reads the system config', facts: { canReadSystemConfig: true, hasSystemSocket: true }, source: { type: 'config', path: base.systemConfig } },
    { what: 'a control.group member who may not read it tries the system socket', facts: { hasSystemSocket: true }, source: { type: 'system-defaults' } },
    { what: 'with no config and no system socket, the user socket', facts: {}, source: { type: 'user-defaults', configPath: base.userConfig } },
  ])('$what', ({ facts, source }) => {
    expect(chooseControlSource({ ...base, ...facts })).toEqual(source);
  });
});

const templates = readTemplates();

function systemFacts(overrides: Partial<InstallFacts> = {}): InstallFacts {
  return {
    layout: resolveLayout('linux', 'system', '/root'),
    uid: 0,
    userName: 'root',
    home: '/root',
    runAs: 'gmk',
    runAsHome: '/home/gmk',
    runAsUser: { uid: 1000, gid: 1000 },
    pathChains: { node: [], clawsupd: [], configLoader: [], pathEntries: [] },
    nodePath: '/usr/bin/node',
    clawsupdPath: '/usr/lib/node_modules/clawsup/dist/daemon/clawsupd.js',
    pathEnv: '/usr/bin',
    templates,
    hasConfig: false,
    hasEnvFile: false,
    isLingering: false,
    openclawServices: [],
    shouldReplaceExisting: false,
    ...overrides,
  };
}

function dryRun(facts: InstallFacts): string[] {
  const plan = planInstall(facts);
  if (!plan.ok) throw new Error(plan.refusals.join('\n'));
  return plan.actions.map(describeInstallAction);
}

describe('a system install', () => {
  it('writes a config with the system paths and the run-as home, no ~/ left, that loads as a system config', () => {
    const text = renderConfig(templates.config, resolveLayout('linux', 'system', '/root'), '/home/gmk');
    expect(text).not.toMatch(/['"]~\//);
    const config = parseConfigText(text, SYSTEM_FILE, '/root', 'system');
    expect(config.control.socket).toBe('/run/clawsup/clawsupd.sock');
    expect(config.status.dir).toBe('/var/lib/clawsup');
    expect(config.gateway.openclawConfigPath).toBe('/home/gmk/.openclaw/openclaw.json');
  });

  it('a user install keeps the template as it is', () => {
    expect(renderConfig(templates.config, resolveLayout('linux', 'user', '/home/ada'), '/home/ada')).toBe(templates.config);
  });

  it('--dry-run shows User=, the status dir and the socket', () => {
    const lines = dryRun(systemFacts());
    expect(lines).toContain(
      'write /etc/systemd/system/clawsupd.service (User=gmk; status dir /var/lib/clawsup, control socket /run/clawsup/clawsupd.sock (StateDirectory=clawsup, RuntimeDirectory=clawsup))',
    );
    expect(lines).toContain('write /etc/clawsup/clawsup.json5 (mode 0640 group 1000; status.dir /var/lib/clawsup, control.socket /run/clawsup/clawsupd.sock)');
  });

  it.each(['/tmp/work/clawsup/dist/daemon/clawsupd.js', '/var/tmp/c/dist/daemon/clawsupd.js', '/private/var/folders/x1/T/c/dist/daemon/clawsupd.js'])(
    '--dry-run warns that %s would be linked from under a temp folder',
    (clawsupdPath) => {
      const lines = dryRun(systemFacts({ clawsupdPath }));
      expect(lines[0]).toMatch(new RegExp(`^note: warning: clawsupd\\.js would be linked into ${clawsupdPath.replaceAll('.', '\\.')}, under the temp folder /`));
    },
  );

  it("refuses a config loader another user could replace: clawsupd runs it as a child", () => {
    const node = (path: string, uid: number, mode = 0o755, isDirectory = true) => ({ path, uid, gid: uid, mode, isDirectory });
    const loader = '/usr/lib/node_modules/clawsup/dist/config-loader.cjs';
    const configLoader = [node('/', 0), node('/usr', 0), node('/usr/lib/node_modules/clawsup/dist', 0), node(loader, 65534, 0o644, false)];
    const plan = planInstall(systemFacts({ pathChains: { node: [], clawsupd: [], configLoader, pathEntries: [] } }));
    expect(plan.ok).toBe(false);
    expect(!plan.ok && plan.refusals).toContainEqual(expect.stringContaining(`refusing to use clawsupd's config loader ${loader}: ${loader} is owned by uid 65534, not root or gmk`));
    configLoader[3] = node(loader, 1000, 0o644, false);
    expect(planInstall(systemFacts({ pathChains: { node: [], clawsupd: [], configLoader, pathEntries: [] } })).ok).toBe(true);
  });

  it('no warning for a tarball install', () => {
    expect(dryRun(systemFacts()).filter((line) => line.includes('warning'))).toEqual([]);
  });
});

describe('the units and the production config agree', () => {
  const production = JSON5.parse(readFileSync('packaging/config/production.json5', 'utf8')) as { gateway: { stopTimeoutMs: number } };
  // OPENCLAW.md: the gateway's own drain budget under systemd.
  const GATEWAY_DRAIN_MS = 315_000;
  // clawsupd's own exit after the gateway is gone: last status write, socket, lock.
  const CLAWSUPD_EXIT_MARGIN_MS = 30_000;

  it('clawsupd lets the gateway drain as long as it does under systemd', () => {
    expect(production.gateway.stopTimeoutMs).toBeGreaterThanOrEqual(GATEWAY_DRAIN_MS);
  });

  it.each(['units/clawsupd.service', 'units/clawsupd.user.service'])('%s waits for that drain and for clawsupd after it', (unit) => {
    const match = /^TimeoutStopSec=(\d+)s$/m.exec(readFileSync(unit, 'utf8'));
    expect(Number(match?.[1]) * 1000).toBeGreaterThanOrEqual(production.gateway.stopTimeoutMs + CLAWSUPD_EXIT_MARGIN_MS);
  });

  it('the system unit makes the system folders and says its config is a system one', () => {
    const unit = readFileSync('units/clawsupd.service', 'utf8');
    for (const line of ['StateDirectory=clawsup', 'RuntimeDirectory=clawsup', 'RuntimeDirectoryPreserve=restart', 'Environment=CLAWSUP_SCOPE=system']) {
      expect(unit.split('\n')).toContain(line);
    }
  });
});

describe('the demo', () => {
  const demo = JSON5.parse(readFileSync('packaging/config/demo.json5', 'utf8')) as { gateway: { command: string[] }; health: { url: string } };
  const port = Number(demo.gateway.command[demo.gateway.command.indexOf('--port') + 1]);

  it("listens where OpenClaw never does (18789, its derived ports up to 18899, a rescue profile's 19001)", () => {
    expect(port >= 18_789 && port <= 18_899).toBe(false);
    expect(port).not.toBe(19_001);
  });

  it('probes the port it listens on, and the demo gateway defaults to it', () => {
    expect(new URL(demo.health.url).port).toBe(String(port));
    expect(readFileSync('src/demo/demo-gateway.ts', 'utf8')).toContain(`const DEMO_PORT = ${port};`);
  });
});

describe('the system unit template', () => {
  it('names no user nobody created: install fills User= with --run-as', async () => {
    const { renderSystemUnit } = await import('../../src/install/render-service.js');
    const template = readFileSync('units/clawsupd.service', 'utf8');
    expect(template).not.toMatch(/^User=clawsup$/m);
    expect(template).toMatch(/^User=RUN_AS_USER$/m);
    const rendered = renderSystemUnit(template, { libDir: '/usr/local/lib/clawsup', configFile: '/etc/clawsup/clawsup.json5', envFile: '/etc/clawsup/clawsupd.env' }, 'gmk');
    expect(rendered).toMatch(/^User=gmk$/m);
    expect(rendered).not.toContain('RUN_AS_USER');
  });
});

import { describe, expect, it } from 'vitest';
import { createSupervisor, type Supervisor } from '../../src/daemon/supervisor.js';
import { statusSchema } from '../../src/status/status-schema.js';
import type { SupervisorState } from '../../src/supervisor/supervisor-state.js';
import { createFakeWorld, parseConfig } from '../helpers/fake-supervisor-world.js';

const CONFIG_PATH = '/etc/clawsup/clawsup.json5';

function start(configInput: Record<string, unknown> = {}) {
  const { world, deps } = createFakeWorld(configInput);
  const supervisor = createSupervisor({ config: world.config, configPath: CONFIG_PATH, log: world.log, env: { PATH: '/usr/bin' }, deps });
  const exited = supervisor.run();
  return { world, supervisor, exited };
}

/** Crashes the gateway until the failure limit puts the node in diagnose mode (backoff timers fired by the clock). */
function crashIntoDiagnose(world: ReturnType<typeof createFakeWorld>['world'], supervisor: Supervisor): void {
  const diagnosesBefore = world.writtenDiagnoses.length;
  for (let attempt = 0; world.writtenDiagnoses.length === diagnosesBefore; attempt += 1) {
    if (attempt > 10) throw new Error('never reached diagnose');
    world.gatewayUp();
    world.advance(100);
    world.gatewayExits(1, null, ['Error: boom']);
    world.advance(60_000);
  }
}

describe('the supervisor shell: events', () => {
  it('handles an event raised while another is handled after it, never inside it', () => {
    const { world, supervisor } = start();
    const seen: string[] = [];
    supervisor.onStateChange((state, previous) => {
      seen.push(`enter ${previous.mode}->${state.mode}`);
      if (state.mode === 'healthy') supervisor.dispatch({ type: 'hold-requested', atMs: world.now() });
      seen.push(`leave ${previous.mode}->${state.mode}`);
    });
    world.gatewayUp();
    expect(seen).toEqual(['enter starting->healthy', 'leave starting->healthy', 'enter healthy->stopping', 'leave healthy->stopping']);
    expect(world.lastSpawn().signals).toEqual(['SIGTERM']);
  });

  it('says in backoff when the next attempt comes and how many failures of the limit are used up', () => {
    const { world, supervisor } = start();
    world.gatewayUp();
    world.gatewayExits(1);
    const exitedAtMs = world.now();
    expect(supervisor.getStatus().gateway).toMatchObject({
      nextAttemptAt: new Date(exitedAtMs + 1_000).toISOString(),
      failuresInWindow: 1,
      failureLimit: 3,
    });
    world.advance(1_000);
    world.gatewayUp();
    expect(supervisor.getStatus().gateway).toMatchObject({ nextAttemptAt: null, failuresInWindow: 1 });
    world.advance(300_000);
    expect(supervisor.getStatus().gateway.failuresInWindow).toBe(0);
  });

  it('restarts a crashed gateway when its backoff timer fires on the clock', () => {
    const { world, supervisor } = start();
    world.gatewayUp();
    world.gatewayExits(1);
    expect(supervisor.getState().mode).toBe('backoff');
    expect(world.spawns).toHaveLength(1);
    world.advance(999);
    expect(world.spawns).toHaveLength(1);
    world.advance(1);
    expect(world.spawns).toHaveLength(2);
  });
});

describe('the supervisor shell: a fix made while the last attempts still fail', () => {
  it('reloads the changed config when diagnose begins and spends the fresh attempt on it', () => {
    const { world, supervisor } = start();
    world.gatewayUp();
    world.gatewayExits(1);
    world.advance(10);
    world.configOnDisk = parseConfig({ gateway: { command: ['openclaw-fixed', 'gateway'] } });
    world.touchInput(CONFIG_PATH);
    const spawnsBefore = world.spawns.length;
    world.advance(1_000);
    crashIntoDiagnose(world, supervisor);
    expect(supervisor.getState().mode).toBe('starting');
    expect(world.spawns.length).toBeGreaterThan(spawnsBefore);
    expect(world.lastSpawn().options.command).toEqual(['openclaw-fixed', 'gateway']);
    expect(supervisor.getState().isFreshAttempt).toBe(true);
    expect(supervisor.getConfig().gateway.command).toEqual(['openclaw-fixed', 'gateway']);
  });

  it('stays in diagnose when the changed config is invalid, and tries once it is valid again', () => {
    const { world, supervisor } = start();
    world.gatewayUp();
    world.gatewayExits(1);
    world.configOnDisk = new Error('clawsup.json5:3:5: gateway.command: expected an array');
    world.touchInput(CONFIG_PATH);
    crashIntoDiagnose(world, supervisor);
    const spawns = world.spawns.length;
    expect(supervisor.getState().mode).toBe('diagnose');
    world.configOnDisk = parseConfig({});
    world.touchInput(CONFIG_PATH);
    expect(world.spawns.length).toBe(spawns + 1);
  });

  it('does not spend the fresh attempt on the edit that broke a healthy gateway, even when the watcher sees it late', () => {
    const { world, supervisor } = start();
    world.gatewayUp();
    world.advance(120_000);
    const editedAtMs = world.now();
    world.configOnDisk = parseConfig({ gateway: { command: ['opencalw', 'gateway'] } });
    supervisor.reloadConfig();
    world.advance(300);
    supervisor.dispatch({ type: 'restart-requested', atMs: world.now() });
    world.gatewayExits(null, 'SIGTERM');
    world.lastSpawn().callbacks.onSpawnFailed('ENOENT', 'opencalw: command not found on PATH');
    expect(supervisor.getState().mode).toBe('diagnose');
    const spawns = world.spawns.length;
    world.advance(2);
    world.touchInput(CONFIG_PATH, editedAtMs);
    expect(supervisor.getState().mode).toBe('diagnose');
    expect(world.spawns.length).toBe(spawns);
  });

  it('forgets a change once a gateway has run stably since it', () => {
    const { world, supervisor } = start();
    world.touchInput('/home/op/.openclaw/openclaw.json');
    world.gatewayUp();
    world.advance(120_000);
    world.gatewayExits(1);
    expect(supervisor.getState().changedWhileFailing).toBeNull();
  });
});

describe('the supervisor shell: health from its sources', () => {
  it('is healthy once spawned without a startup probe, degraded while a source names a reason', () => {
    const { world, supervisor } = start();
    world.gatewayUp();
    expect(supervisor.getState().mode).toBe('healthy');
    supervisor.setDegradation('skills', ['skill-stale:daily-memory']);
    supervisor.setDegradation('slack', ['slack-flapping']);
    expect(supervisor.getStatus()).toMatchObject({ mode: 'degraded', reasons: ['skill-stale:daily-memory', 'slack-flapping'] });
    supervisor.setDegradation('skills', []);
    expect(supervisor.getStatus()).toMatchObject({ mode: 'degraded', reasons: ['slack-flapping'] });
    supervisor.setDegradation('slack', []);
    expect(supervisor.getState().mode).toBe('healthy');
  });

  it('degrades a new gateway at once for what a source already said', () => {
    const { world, supervisor } = start();
    supervisor.setDegradation('skills', ['skill-stale:daily-memory']);
    world.gatewayUp();
    expect(supervisor.getStatus()).toMatchObject({ mode: 'degraded', reasons: ['skill-stale:daily-memory'] });
  });

  it('with health checks on, stays starting until the startup probe passes, and a reload does not change that', () => {
    const { world, supervisor } = start({ health: { enabled: true } });
    world.gatewayUp();
    expect(supervisor.getState().mode).toBe('starting');
    world.configOnDisk = parseConfig({ health: { enabled: false } });
    supervisor.reloadConfig();
    expect(supervisor.getState().mode).toBe('starting');
    supervisor.setGatewayStarted(true);
    expect(supervisor.getState().mode).toBe('healthy');
  });

  it('reports no change for a repeated verdict: the status is written only when the state changed', () => {
    const { world, supervisor } = start();
    world.gatewayUp();
    supervisor.setDegradation('skills', ['skill-stale:a']);
    const writes = world.statusWrites.length;
    supervisor.setDegradation('skills', ['skill-stale:a']);
    expect(world.statusWrites.length).toBe(writes);
  });
});

describe('the supervisor shell: config reloads', () => {
  it('shows a refused reload in status, and what an accepted one leaves for the next gateway or clawsupd start', () => {
    const { world, supervisor } = start();
    world.gatewayUp();
    world.configOnDisk = new Error('clawsup.json5:4:7: restart.failureLimt: unknown key');
    expect(supervisor.reloadConfig().ok).toBe(false);
    expect(supervisor.getStatus().config).toMatchObject({ lastReloadError: 'clawsup.json5:4:7: restart.failureLimt: unknown key' });

    world.configOnDisk = parseConfig({ gateway: { command: ['openclaw', 'gateway', '--verbose'] }, status: { dir: '/var/lib/elsewhere' } });
    expect(supervisor.reloadConfig().ok).toBe(true);
    expect(supervisor.getStatus().config).toMatchObject({
      lastReloadError: null,
      pendingGatewayRestart: ['gateway.command'],
      pendingDaemonRestart: ['status.dir'],
    });
    supervisor.dispatch({ type: 'restart-requested', atMs: world.now() });
    world.gatewayExits(null, 'SIGTERM');
    expect(world.lastSpawn().options.command).toEqual(['openclaw', 'gateway', '--verbose']);
    expect(supervisor.getStatus().config?.pendingGatewayRestart).toEqual([]);
  });

  it('tells the parts of every accepted reload, also the one an edit makes in diagnose mode', () => {
    const { world, supervisor } = start();
    const heard: string[][] = [];
    supervisor.onConfigReloaded((config) => heard.push([...config.gateway.command]));
    world.gatewayUp();
    world.gatewayExits(1);
    world.advance(10);
    crashIntoDiagnose(world, supervisor);
    world.configOnDisk = parseConfig({ gateway: { command: ['openclaw-fixed'] } });
    world.touchInput(CONFIG_PATH);
    expect(heard).toEqual([['openclaw-fixed']]);
  });
});

describe('the supervisor shell: status dir files', () => {
  it('writes the running gateway\'s own record back, with its command, when the status dir was removed', () => {
    const { world, deps } = createFakeWorld();
    const kept: unknown[] = [];
    const record = { pid: 4242, startTime: '77', startedAt: '2026-12-01T00:00:00.000Z', command: ['/usr/bin/openclaw', 'gateway'] };
    const supervisor = createSupervisor({
      config: world.config, configPath: CONFIG_PATH, log: world.log, env: {},
      deps: { ...deps, recordGateway: () => record, keepGatewayFiles: (_dir, mark, gateway) => void kept.push([mark, gateway]) },
    });
    void supervisor.run();
    world.gatewayUp();
    supervisor.keepStatusDirFiles();
    world.gatewayExits(1);
    supervisor.keepStatusDirFiles();
    expect(kept).toEqual([['mark', record], ['mark', null]]);
  });
});

describe('the supervisor shell: status.json', () => {
  it('writes a diagnosis with the resolved command and the config check, in the file and in status', () => {
    const { world, supervisor } = start();
    world.configOnDisk = new Error('clawsup.json5:2:1: unknown key "gatway"');
    crashIntoDiagnose(world, supervisor);
    expect(world.writtenDiagnoses).toHaveLength(1);
    const status = statusSchema.parse(supervisor.getStatus());
    expect(status.diagnosis).toMatchObject({
      trigger: 'failure-limit',
      command: { argv: ['openclaw', 'gateway'], resolvedPath: '/usr/bin/openclaw', exists: true },
      configCheck: { ok: false, errors: ['clawsup.json5:2:1: unknown key "gatway"'] },
    });
    expect(world.writtenDiagnoses[0]).toEqual(status.diagnosis);
  });

  it('validates against the status schema with every declared section set', () => {
    const { world, supervisor } = start();
    world.gatewayUp();
    const report = { ok: true, latencyMs: 3, checkedAt: '2026-12-01T00:00:00.000Z', consecutiveFailures: 0, detail: null };
    supervisor.setStatusSection('probes', {
      health: { ...report, state: 'live' },
      startup: { ...report, state: 'started' },
      ready: { ...report, state: 'ready' },
      slack: { ...report, state: 'connected' },
    });
    supervisor.setStatusSection('recovery', { lastDownAt: null, lastHealthyAt: '2026-12-01T00:00:00.000Z', lastRecoveryMs: null });
    supervisor.setStatusSection('skills', {
      'daily-memory': {
        state: 'ok', status: 'ok', startedAt: null, finishedAt: null, lastSuccessAt: null, maxAgeMs: null, staleAt: null, exitCode: 0, message: null, host: 'node-1',
      },
    });
    const written = world.statusWrites.at(-1);
    expect(statusSchema.strict().parse(written)).toMatchObject({ mode: 'healthy', probes: { health: { state: 'live' } }, skills: { 'daily-memory': { state: 'ok' } } });
  });

  it('keeps the output of earlier gateways for clawctl logs, marked with how each ended', () => {
    const { world, supervisor } = start();
    world.gatewayUp();
    world.gatewayExits(1, null, ['first gateway says goodbye']);
    world.advance(1_000);
    world.gatewayUp(4243);
    const lines = supervisor.getOutputLines(10);
    expect(lines[0]).toBe('first gateway says goodbye');
    expect(lines[1]).toMatch(/^\[clawsup\] gateway exited \(code 1, transient: crash\)/);
  });

  it('keeps earlier gateways\' output within gateway.outputTailBytes, not only its line count', () => {
    const { world, supervisor } = start({ gateway: { command: ['openclaw', 'gateway'], outputTailBytes: 4_096, outputTailLines: 200 } });
    // Each gateway runs its 20 s and asks to be restarted (exit 0), leaving one long line behind.
    for (let gateway = 0; gateway < 20; gateway += 1) {
      world.gatewayUp();
      world.advance(20_000);
      world.gatewayExits(0, null, [`${gateway}:${'x'.repeat(1_000)}`]);
    }
    expect(world.spawns).toHaveLength(21);
    world.gatewayUp();
    const kept = supervisor.getOutputLines(1_000);
    expect(kept.join('').length).toBeLessThanOrEqual(4_096);
    expect(kept.some((line) => line.startsWith('19:'))).toBe(true);
  });

  it('keeps the lines a killed gateway\'s helper writes after its replacement started with that gateway, before its exit line', () => {
    const { world, supervisor } = start({ restart: { initialDelayMs: 0 } });
    world.gatewayUp();
    const killed = world.lastSpawn();
    killed.callbacks.onExit(null, 'SIGKILL');
    expect(world.spawns).toHaveLength(2);
    world.gatewayUp(4243);
    killed.callbacks.onOutput('stderr', Buffer.from('late line of the killed gateway\n'));
    world.lastSpawn().callbacks.onOutput('stdout', Buffer.from('first line of the new one\n'));
    const lines = supervisor.getOutputLines(10);
    expect(lines.indexOf('late line of the killed gateway')).toBeLessThan(lines.findIndex((line) => line.startsWith('[clawsup] gateway exited')));
    expect(lines.at(-1)).toBe('first line of the new one');
  });

  it('exits with the code the core decides once the status is flushed', async () => {
    const { world, supervisor, exited } = start();
    world.gatewayUp();
    supervisor.dispatch({ type: 'shutdown-requested', atMs: world.now(), signal: 'SIGTERM' });
    expect(world.lastSpawn().signals).toEqual(['SIGTERM']);
    world.gatewayExits(null, 'SIGTERM');
    await expect(exited).resolves.toBe(0);
    expect((supervisor.getState() as SupervisorState).mode).toBe('stopped');
    expect(world.pendingTimers()).toBe(0);
  });
});

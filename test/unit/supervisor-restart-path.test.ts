import { describe, expect, it } from 'vitest';
import { createSupervisor } from '../../src/daemon/supervisor.js';
import { createFakeWorld } from '../helpers/fake-supervisor-world.js';

const CONFIG_PATH = '/etc/clawsup/clawsup.json5';
// Backoff 0: an exit is followed by the spawn of its replacement in the same event.
const AT_ONCE = { restart: { initialDelayMs: 0, stableAfterMs: 0, minUptimeMs: 0, failureLimit: 1_000 } };

/** The supervisor on the fake world, with what the world looked like at each spawn (the log and status writes so far). */
function start(configInput: Record<string, unknown> = AT_ONCE) {
  const { world, deps } = createFakeWorld(configInput);
  const atSpawn: Array<{ messages: unknown[]; statusWrites: number }> = [];
  const spawnGateway = deps.spawnGateway;
  deps.spawnGateway = (options, callbacks) => {
    atSpawn.push({ messages: world.logs.map((entry) => entry.msg), statusWrites: world.statusWrites.length });
    return spawnGateway(options, callbacks);
  };
  const supervisor = createSupervisor({ config: world.config, configPath: CONFIG_PATH, log: world.log, env: { PATH: '/usr/bin', HOME: '/root' }, deps });
  void supervisor.run();
  world.gatewayUp(4242);
  return { world, supervisor, atSpawn };
}

describe('the supervisor shell: the restart path (backoff 0)', () => {
  it('spawns the replacement before it logs the exit, and logs both lines after it', () => {
    const { world, atSpawn } = start();
    world.gatewayExits(1, null, ['Error: boom']);
    expect(atSpawn).toHaveLength(2);
    const before = atSpawn[1]?.messages ?? [];
    expect(before).not.toContain('gateway exited');
    expect(before).not.toContain('gateway restart scheduled');
    const messages = world.logs.map((entry) => entry.msg);
    expect(messages).toContain('gateway exited');
    expect(messages.indexOf('gateway exited')).toBeLessThan(messages.indexOf('gateway restart scheduled'));
  });

  it('writes status.json once for an exit and its replacement, when the replacement is up, with the exit in it', () => {
    const { world, supervisor } = start();
    const writesBefore = world.statusWrites.length;
    world.gatewayExits(1, null, ['Error: boom']);
    expect(world.statusWrites.length).toBe(writesBefore);
    world.gatewayUp(4243);
    expect(world.statusWrites.length).toBe(writesBefore + 1);
    expect(world.statusWrites.at(-1)).toMatchObject({ gateway: { pid: 4243, lastExit: { code: 1 } } });
    expect(supervisor.getStatus().gateway).toMatchObject({ pid: 4243, restarts: 1 });
  });

  it('writes status.json when the replacement cannot be spawned', () => {
    const { world } = start();
    world.gatewayExits(1, null, ['Error: boom']);
    const writesBefore = world.statusWrites.length;
    world.lastSpawn().callbacks.onSpawnFailed('ENOENT', 'openclaw: command not found on PATH');
    expect(world.statusWrites.length).toBeGreaterThan(writesBefore);
    expect(world.statusWrites.at(-1)).toMatchObject({ gateway: { pid: null } });
  });

  it('still writes status.json for an exit that waits for its backoff', () => {
    const { world } = start({ restart: { initialDelayMs: 1_000 } });
    const writesBefore = world.statusWrites.length;
    world.gatewayExits(1, null, ['Error: boom']);
    expect(world.statusWrites.length).toBe(writesBefore + 1);
    expect(world.statusWrites.at(-1)).toMatchObject({ mode: 'backoff', gateway: { pid: null } });
  });

  it('builds the gateway environment once per config: each restart gets the same one, a reload a new one', () => {
    const { world, supervisor } = start();
    world.gatewayExits(1);
    world.gatewayUp(4243);
    const [first, second] = world.spawns;
    expect(second?.options.env).toBe(first?.options.env);
    expect(second?.options.env).toMatchObject({ PATH: '/usr/bin', HOME: '/root', OPENCLAW_SUPERVISOR_MODE: 'external' });
    world.configOnDisk = { ...world.config, gateway: { ...world.config.gateway, env: { EXTRA: '1' } } };
    expect(supervisor.reloadConfig()).toEqual({ ok: true });
    world.gatewayExits(1);
    expect(world.lastSpawn().options.env).not.toBe(first?.options.env);
    expect(world.lastSpawn().options.env).toMatchObject({ EXTRA: '1', PATH: '/usr/bin' });
  });
});

describe('the supervisor shell: status writes', () => {
  it('writes a diagnosis to status.json with its facts (the command, the config check), never without them', () => {
    const { world } = start({ restart: { initialDelayMs: 0, failureLimit: 1 } });
    world.gatewayExits(1, null, ["Error [ERR_MODULE_NOT_FOUND]: Cannot find package 'express'"]);
    const diagnosed = world.statusWrites.filter((written) => (written as { mode: string }).mode === 'diagnose');
    expect(diagnosed.length).toBeGreaterThan(0);
    for (const written of diagnosed) expect(written).toMatchObject({ diagnosis: { reason: 'module-not-found', command: { resolvedPath: '/usr/bin/openclaw' } } });
  });
});

describe('the supervisor shell: the gateway pid record across a restart', () => {
  /** The world's record file as the deps see it: what recordGateway wrote, until forgetGateway removes it. */
  function startTracked(configInput: Record<string, unknown>) {
    const { world, deps } = createFakeWorld(configInput);
    const record = { pid: null as number | null, removals: 0, isWritable: true };
    deps.recordGateway = (_dir, pid, command) => {
      if (!record.isWritable) throw new Error('EROFS: read-only file system');
      record.pid = pid;
      return { pid, startTime: '1', startedAt: 'now', command };
    };
    deps.forgetGateway = () => {
      record.pid = null;
      record.removals += 1;
    };
    const supervisor = createSupervisor({ config: world.config, configPath: CONFIG_PATH, log: world.log, env: { PATH: '/usr/bin' }, deps });
    void supervisor.run();
    world.gatewayUp(4242);
    return { world, record };
  }

  it("replaces the record of a gateway restarted at once with its replacement's, without removing it first", () => {
    const { world, record } = startTracked(AT_ONCE);
    expect(record.pid).toBe(4242);
    world.gatewayExits(1);
    expect(record).toMatchObject({ pid: 4242, removals: 0 });
    world.gatewayUp(4243);
    expect(record).toMatchObject({ pid: 4243, removals: 0 });
  });

  it('removes the record when no replacement is started at once (a backoff)', () => {
    const { world, record } = startTracked({ restart: { initialDelayMs: 1_000 } });
    world.gatewayExits(1);
    expect(record).toMatchObject({ pid: null, removals: 1 });
  });

  it('removes the record when the replacement cannot be spawned', () => {
    const { world, record } = startTracked(AT_ONCE);
    world.gatewayExits(1);
    world.lastSpawn().callbacks.onSpawnFailed('ENOENT', 'openclaw: command not found on PATH');
    expect(record.pid).toBeNull();
  });

  it("removes the record of the gateway before when its replacement's record cannot be written", () => {
    const { world, record } = startTracked(AT_ONCE);
    record.isWritable = false;
    world.gatewayExits(1);
    world.gatewayUp(4243);
    expect(record.pid).toBeNull();
    expect(world.logs.map((entry) => entry.msg)).toContain('cannot record the gateway pid');
  });
});

import { Writable } from 'node:stream';
import pino from 'pino';
import { configSchema, type ClawsupConfig } from '../../src/config/schema.js';
import type { GatewayCallbacks, GatewaySpawnOptions } from '../../src/gateway/gateway-process.js';
import type { SupervisorDeps } from '../../src/daemon/supervisor-deps.js';

export interface FakeSpawn {
  options: GatewaySpawnOptions;
  callbacks: GatewayCallbacks;
  signals: string[];
}

interface FakeTimer {
  callback: () => void;
  fireAtMs: number;
  isCleared: boolean;
}

/** A world for the supervisor shell with a hand-driven clock, timers, gateways and files: no processes, no sleeps. */
export function createFakeWorld(configInput: Record<string, unknown> = {}) {
  let nowMs = 1_000_000;
  const timers: FakeTimer[] = [];
  const spawns: FakeSpawn[] = [];
  const writtenDiagnoses: unknown[] = [];
  const statusWrites: unknown[] = [];
  const logs: Array<Record<string, unknown>> = [];
  let onInputChange: (path: string, changedAtMs: number) => void = () => undefined;
  let takeSnapshot: () => unknown = () => null;
  const config = parseConfig(configInput);
  const world = {
    config,
    /** What the config file holds now: a config, or the located error loading it would throw. */
    configOnDisk: config as ClawsupConfig | Error,
    loads: 0,
    spawns,
    writtenDiagnoses,
    statusWrites,
    logs,
    now: () => nowMs,
    /** Moves the clock on, firing the timers that come due, in order. */
    advance(ms: number): void {
      const until = nowMs + ms;
      for (;;) {
        const due = timers.filter((t) => !t.isCleared && t.fireAtMs <= until).sort((a, b) => a.fireAtMs - b.fireAtMs)[0];
        if (due === undefined) break;
        nowMs = due.fireAtMs;
        due.isCleared = true;
        due.callback();
      }
      nowMs = until;
    },
    pendingTimers: () => timers.filter((t) => !t.isCleared).length,
    /** The watcher saw `path` change; its mtime is now unless given. */
    touchInput: (path: string, changedAtMs = nowMs) => onInputChange(path, changedAtMs),
    lastSpawn(): FakeSpawn {
      const spawn = spawns.at(-1);
      if (spawn === undefined) throw new Error('no gateway was spawned');
      return spawn;
    },
    /** The last spawned gateway comes up with this pid. */
    gatewayUp(pid = 4242): void {
      world.lastSpawn().callbacks.onSpawned(pid, '/usr/bin/openclaw');
    },
    gatewayExits(code: number | null, signal: string | null = null, lines: string[] = []): void {
      const spawn = world.lastSpawn();
      for (const line of lines) spawn.callbacks.onOutput('stderr', Buffer.from(`${line}\n`));
      spawn.callbacks.onExit(code, signal);
    },
    snapshot: () => takeSnapshot(),
    log: pino({ level: 'debug' }, new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) logs.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    })),
  };
  const deps: SupervisorDeps = {
    nowMs: () => nowMs,
    setTimer(callback, delayMs) {
      const timer = { callback, fireAtMs: nowMs + delayMs, isCleared: false };
      timers.push(timer);
      return timer;
    },
    clearTimer(handle) {
      if (handle !== undefined) (handle as FakeTimer).isCleared = true;
    },
    hostname: () => 'node-1',
    pid: 99,
    spawnGateway(options, callbacks) {
      const spawn: FakeSpawn = { options, callbacks, signals: [] };
      spawns.push(spawn);
      return { pid: 4242, signal: (signal) => spawn.signals.push(signal) };
    },
    resolveCommand: (command) => ({ ok: true, path: `/usr/bin/${command}` }) as ReturnType<SupervisorDeps['resolveCommand']>,
    loadConfig() {
      world.loads += 1;
      if (world.configOnDisk instanceof Error) throw world.configOnDisk;
      return world.configOnDisk;
    },
    readOpenclawSecrets: () => [],
    createStatusWriter(_dir, snapshot) {
      takeSnapshot = snapshot;
      return {
        write: () => void statusWrites.push(snapshot()),
        writeRoutine: () => void statusWrites.push(snapshot()),
        flush: async () => undefined,
      };
    },
    createInputWatcher(onChange) {
      onInputChange = onChange;
      return { setPaths: () => undefined, close: () => undefined };
    },
    readOrCreateGatewayMark: () => 'mark',
    keepGatewayMark: () => undefined,
    recordGateway: () => null,
    keepGatewayFiles: () => undefined,
    forgetGateway: () => undefined,
    writeDiagnosis: (_dir, diagnosis) => void writtenDiagnoses.push(diagnosis),
  };
  return { world, deps };
}

export function parseConfig(input: Record<string, unknown>): ClawsupConfig {
  return configSchema.parse({
    gateway: { command: ['openclaw', 'gateway'] },
    status: { dir: '/var/lib/clawsup-test' },
    control: { socket: '/run/clawsup-test.sock' },
    health: { enabled: false },
    ...input,
  });
}

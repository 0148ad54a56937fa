import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildBenchEnv } from './bench-env.js';
import { ensurePm2, ensureSupervisord } from './install-peers.js';
import { isPidAlive, pollFor, sleepMs } from './proc-stats.js';
import { runCommand } from './run-command.js';

export const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));
// What the units run: the single-file bundle (scripts/bundle.mjs). CLAWSUP_BENCH_CLAWSUPD runs another build
// (dist/daemon/clawsupd.js, or a copy of an earlier dist/).
export const CLAWSUPD = process.env.CLAWSUP_BENCH_CLAWSUPD ?? join(REPO_ROOT, 'dist/clawsupd.cjs');
/** clawsupd's Node flags: CLAWSUP_BENCH_NODE_FLAGS (space-separated; empty for none), else those of units/clawsupd.service. */
export const CLAWSUPD_NODE_FLAGS = readNodeFlags();
let daemonEnv: Record<string, string> | undefined;
/**
 * clawsupd's tuning: CLAWSUP_BENCH_DAEMON_ENV ("K=V K=V"; empty for none), else the unit's MALLOC_ variables and,
 * when the unit sets NODE_COMPILE_CACHE, a cache of the bench's own, warmed once as a unit's first start would
 * (on first use, so a bench that never starts clawsupd spawns nothing).
 */
export function clawsupdEnv(): Record<string, string> {
  daemonEnv ??= readDaemonEnv();
  return daemonEnv;
}
// What `npm i -g` links as clawctl: the bundle of the entry and its status command (the other commands from dist/).
export const CLAWCTL = join(REPO_ROOT, 'dist/clawctl.cjs');
export const BENCH_FIXTURES = fileURLToPath(new URL('../fixtures', import.meta.url));

export type ContenderName = 'clawsup' | 'pm2' | 'supervisord' | 'bare-spawn';

/** What a contender supervises: a command, restarted at once whenever it exits. */
export interface ProgramSpec {
  argv: string[];
  /** clawsup only: its config's `health` section (probes off when absent). */
  health?: Record<string, unknown>;
  /** Where the supervisor's own log goes; /dev/null by default. */
  daemonLogPath?: string;
  /** clawsup only: more config sections (metrics, alerts), given the contender's own folder. */
  extraConfig?: (dir: string) => Record<string, unknown>;
  /** clawsup only: the daemon's whole environment (default buildBenchEnv()); the gateway inherits it. */
  env?: NodeJS.ProcessEnv;
}

export interface RunningContender {
  name: ContenderName;
  dir: string;
  /** The supervisor daemon's pid (the process whose memory and CPU are measured). */
  daemonPid: number;
  /** Extra facts a measure needs (clawsup: config and socket paths). */
  paths: Record<string, string>;
  stop(): Promise<void>;
}

export async function startContender(name: ContenderName, spec: ProgramSpec): Promise<RunningContender> {
  switch (name) {
    case 'clawsup':
      return startClawsup(spec);
    case 'pm2':
      return startPm2(spec);
    case 'supervisord':
      return startSupervisord(spec);
    case 'bare-spawn':
      return startBareSpawn(spec);
  }
}

function readNodeFlags(): string[] {
  const fromEnv = process.env.CLAWSUP_BENCH_NODE_FLAGS;
  if (fromEnv !== undefined) return fromEnv.split(' ').filter((flag) => flag.length > 0);
  const execStart = /^ExecStart=(\S+) (.*)$/m.exec(readFileSync(join(REPO_ROOT, 'units', 'clawsupd.service'), 'utf8'))?.[2] ?? '';
  const flags: string[] = [];
  for (const token of execStart.split(/\s+/)) {
    if (!token.startsWith('--')) break;
    flags.push(token);
  }
  return flags;
}

function readDaemonEnv(): Record<string, string> {
  const fromEnv = process.env.CLAWSUP_BENCH_DAEMON_ENV;
  const unitText = readFileSync(join(REPO_ROOT, 'units', 'clawsupd.service'), 'utf8');
  const pairs = fromEnv !== undefined ? fromEnv.split(' ') : [...unitText.matchAll(/^Environment=(MALLOC_\S+)$/gm)].map((match) => match[1] ?? '');
  const env: Record<string, string> = Object.fromEntries(pairs.filter((pair) => pair.includes('=')).map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));
  if (fromEnv === undefined && /^Environment=NODE_COMPILE_CACHE=/m.test(unitText)) {
    env.NODE_COMPILE_CACHE = join(homedir(), '.cache', 'clawsup', 'bench', 'node-compile-cache');
    // Node writes the cache as it exits: one --version run leaves the bundle's compiled code for every later start.
    spawnSync(process.execPath, [...CLAWSUPD_NODE_FLAGS, CLAWSUPD, '--version'], { env: { ...buildBenchEnv(), ...env }, stdio: 'ignore' });
  }
  return env;
}

function makeDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

function spawnDaemon(command: string, args: string[], logPath: string | undefined, env: NodeJS.ProcessEnv, cwd: string): ChildProcess {
  const out = openSync(logPath ?? '/dev/null', 'a');
  try {
    return spawn(command, args, { cwd, env, stdio: ['ignore', out, out] });
  } finally {
    closeSync(out);
  }
}

async function stopChild(child: ChildProcess, timeoutMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const isDone = await Promise.race([exited.then(() => true), sleepMs(timeoutMs).then(() => false)]);
  if (!isDone) {
    child.kill('SIGKILL');
    await exited;
  }
}

async function startClawsup(spec: ProgramSpec): Promise<RunningContender> {
  const dir = makeDir('csb-');
  const configPath = join(dir, 'clawsup.json5');
  const socketPath = join(dir, 'ctl.sock');
  const statusDir = join(dir, 'status');
  const config = {
    gateway: { command: spec.argv, stopTimeoutMs: 2_000 },
    // stableAfterMs 0 makes every exit a first failure, restarted at once (initialDelayMs); the ceiling is never reached.
    restart: { initialDelayMs: 0, maxDelayMs: 100, failureLimit: 1_000_000_000, minUptimeMs: 0, stableAfterMs: 0 },
    health: spec.health ?? { enabled: false },
    status: { dir: statusDir },
    control: { socket: socketPath },
    ...spec.extraConfig?.(dir),
  };
  writeFileSync(configPath, JSON.stringify(config, null, 2));
  const child = spawnDaemon(process.execPath, [...CLAWSUPD_NODE_FLAGS, CLAWSUPD, '--config', configPath], spec.daemonLogPath, { ...(spec.env ?? buildBenchEnv()), ...clawsupdEnv() }, dir);
  await pollFor('clawsupd status.json', () => existsSync(join(statusDir, 'status.json')));
  return {
    name: 'clawsup',
    dir,
    daemonPid: child.pid ?? -1,
    paths: { configPath, socketPath, statusDir },
    async stop() {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function startBareSpawn(spec: ProgramSpec): Promise<RunningContender> {
  const dir = makeDir('csb-bare-');
  const child = spawnDaemon(process.execPath, [join(BENCH_FIXTURES, 'bare-spawn-loop.mjs'), ...spec.argv], spec.daemonLogPath, buildBenchEnv(), dir);
  return {
    name: 'bare-spawn',
    dir,
    daemonPid: child.pid ?? -1,
    paths: {},
    async stop() {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function startPm2(spec: ProgramSpec): Promise<RunningContender> {
  const pm2 = await ensurePm2();
  const dir = makeDir('csb-pm2-');
  const env = buildBenchEnv({ PM2_HOME: join(dir, 'home') });
  const [script = '', ...args] = spec.argv;
  const isNodeScript = script === process.execPath;
  const app = {
    name: 'gw',
    script: isNodeScript ? args[0] : script,
    args: isNodeScript ? args.slice(1) : args,
    interpreter: isNodeScript ? process.execPath : 'none',
    exec_mode: 'fork',
    autorestart: true,
    restart_delay: 0,
    min_uptime: 0,
    max_restarts: 1_000_000_000,
    out_file: '/dev/null',
    error_file: '/dev/null',
  };
  const ecosystemPath = join(dir, 'ecosystem.config.cjs');
  writeFileSync(ecosystemPath, `module.exports = { apps: [${JSON.stringify(app)}] };\n`);
  const started = await runCommand(pm2, ['start', ecosystemPath], { env, cwd: dir });
  if (started.code !== 0) throw new Error(`pm2 start failed: ${started.stderr || started.stdout}`);
  const daemonPid = Number(readFileSync(join(dir, 'home', 'pm2.pid'), 'utf8'));
  return {
    name: 'pm2',
    dir,
    daemonPid,
    paths: { pm2, pm2Home: join(dir, 'home') },
    async stop() {
      await runCommand(pm2, ['kill'], { env, cwd: dir });
      if (isPidAlive(daemonPid)) process.kill(daemonPid, 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function startSupervisord(spec: ProgramSpec): Promise<RunningContender> {
  const { supervisord, supervisorctl } = await ensureSupervisord();
  const dir = makeDir('csb-sv-');
  const confPath = join(dir, 'supervisord.conf');
  const socketPath = join(dir, 'supervisor.sock');
  const quote = (arg: string): string => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `"${arg.replace(/(["\\])/g, '\\$1')}"`);
  writeFileSync(
    confPath,
    [
      '[unix_http_server]',
      `file=${socketPath}`,
      'chmod=0700',
      '[supervisord]',
      'nodaemon=true',
      `logfile=${join(dir, 'supervisord.log')}`,
      `pidfile=${join(dir, 'supervisord.pid')}`,
      `childlogdir=${dir}`,
      '[rpcinterface:supervisor]',
      'supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface',
      '[supervisorctl]',
      `serverurl=unix://${socketPath}`,
      '[program:gw]',
      `command=${spec.argv.map(quote).join(' ')}`,
      'autorestart=true',
      'startsecs=0',
      'startretries=1000000',
      'stdout_logfile=/dev/null',
      'stderr_logfile=/dev/null',
      '',
    ].join('\n'),
  );
  const child = spawnDaemon(supervisord, ['-c', confPath], spec.daemonLogPath, buildBenchEnv(), dir);
  await pollFor('supervisord socket', () => existsSync(socketPath));
  return {
    name: 'supervisord',
    dir,
    daemonPid: child.pid ?? -1,
    paths: { confPath, supervisorctl },
    async stop() {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

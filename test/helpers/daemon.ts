import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isAlive, killGroup } from './processes.js';
import { makeTempDir } from './temp-dir.js';
import { WaitAborted, waitFor } from './wait-for.js';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLAWSUPD = join(REPO_ROOT, 'dist/daemon/clawsupd.js');
// What `npm i -g` links as clawctl: the bundle of the entry and its status command (the other commands from dist/).
export const CLAWCTL = join(REPO_ROOT, 'dist/clawctl.cjs');
export const FIXTURES = join(REPO_ROOT, 'test/fixtures');

export type LogRecord = Record<string, unknown> & { msg?: string; level?: string };

export interface Daemon {
  dir: string;
  statusDir: string;
  configPath: string;
  socketPath: string;
  child: ChildProcess;
  pid: number;
  logs(): LogRecord[];
  stderr(): string;
  status(): Record<string, any> | null;
  waitForStatus(what: string, predicate: (status: Record<string, any>) => boolean, timeoutMs?: number): Promise<Record<string, any>>;
  waitForLog(what: string, predicate: (record: LogRecord) => boolean, timeoutMs?: number): Promise<LogRecord>;
  /** Resolves with clawsupd's exit once it has ended. */
  exited: Promise<{ code: number | null; signal: string | null }>;
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: string | null }>;
  /** Ends everything this daemon started, whatever state it is in: its gateway's group, then the daemon. */
  cleanup(): Promise<void>;
  /** Removes the temp dir this daemon made (none when it was given `dir`); only once no daemon writes there. */
  removeDir(): void;
}

export interface DaemonOptions {
  /** The config object; `status.dir` and `control.socket` default to the temp dir. */
  config: Record<string, any>;
  env?: NodeJS.ProcessEnv;
  /** Reuse a folder (to start a second daemon on the same status dir). */
  dir?: string;
}

const started: Daemon[] = [];

/** Starts the compiled clawsupd on a config written into a fresh temp dir. */
export function startDaemon(options: DaemonOptions): Daemon {
  const temp = options.dir ? { path: options.dir, remove: () => undefined } : makeTempDir();
  const dir = temp.path;
  const statusDir = options.config.status?.dir ?? join(dir, 'status');
  const socketPath = options.config.control?.socket ?? join(dir, 'ctl.sock');
  const config = {
    ...options.config,
    status: { ...options.config.status, dir: statusDir },
    control: { ...options.config.control, socket: socketPath },
    health: { enabled: false, ...options.config.health },
  };
  const configPath = join(dir, `clawsup-${started.length}.json5`);
  writeFileSync(configPath, JSON.stringify(config, null, 2));
  const child = spawn(process.execPath, [CLAWSUPD, '--config', configPath], {
    cwd: dir,
    env: { ...process.env, NODE_EXTRA_CA_CERTS: '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Log records are parsed once, as lines complete: a flooding gateway makes megabytes of them.
  const records: LogRecord[] = [];
  let partialLine = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    const lines = (partialLine + chunk.toString()).split('\n');
    partialLine = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.startsWith('{')) continue;
      try {
        records.push(JSON.parse(line) as LogRecord);
      } catch {
        // Not a log record.
      }
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const logs = (): LogRecord[] => records;
  const status = (): Record<string, any> | null => {
    try {
      return JSON.parse(readFileSync(join(statusDir, 'status.json'), 'utf8'));
    } catch {
      return null;
    }
  };
  const daemon: Daemon = {
    dir,
    statusDir,
    configPath,
    socketPath,
    child,
    pid: child.pid ?? -1,
    logs,
    stderr: () => stderr,
    status,
    exited,
    waitForStatus: (what, predicate, timeoutMs = 20_000) =>
      waitFor(`status: ${what}`, () => {
        const current = status();
        if (current !== null && predicate(current)) return current;
        // A daemon that has exited will never get there: say why now, not at the deadline.
        if (child.exitCode !== null || child.signalCode !== null) {
          throw new WaitAborted(`clawsupd exited (${child.exitCode ?? child.signalCode}): ${stderr.trim()} | last status mode: ${current?.mode}`);
        }
        return undefined;
      }, timeoutMs).catch((error: Error) => {
        throw new Error(`${error.message}\nlast status: ${JSON.stringify(status())}\nstderr: ${stderr.trim()}`);
      }),
    waitForLog: (what, predicate, timeoutMs = 20_000) => waitFor(`log: ${what}`, () => logs().find(predicate), timeoutMs),
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
    async cleanup() {
      const gatewayPid = status()?.gateway?.pid as number | undefined;
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const ended = await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve(null), 5_000))]);
        if (ended === null) child.kill('SIGKILL');
        await exited;
      }
      if (gatewayPid && isAlive(gatewayPid)) killGroup(gatewayPid);
    },
    removeDir: () => temp.remove(),
  };
  started.push(daemon);
  return daemon;
}

/** For afterEach: ends every daemon (and gateway) the test started. */
export async function cleanupDaemons(): Promise<void> {
  const all = started.splice(0);
  await Promise.all(all.map((daemon) => daemon.cleanup()));
  // Folders go only after every daemon has stopped: one sharing a folder would write its status back in.
  for (const daemon of all) daemon.removeDir();
}

import { spawn, type ChildProcess } from 'node:child_process';
import { CLAWCTL } from './daemon.js';
import { waitFor } from './wait-for.js';

export interface ClawctlProcess {
  child: ChildProcess;
  pid: number;
  stdout(): string;
  stderr(): string;
  /** Waits, with a deadline, until stdout fits. */
  waitForStdout(what: string, predicate: (stdout: string) => boolean, timeoutMs?: number): Promise<string>;
  exited: Promise<{ code: number | null; signal: string | null }>;
  /** Sends `signal` to this process by its pid and waits for its end. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: string | null }>;
}

const running: ClawctlProcess[] = [];

/** clawctl left running (status --watch, logs -f), its output collected. `command`/`argv` replace node + clawctl (script -qc). */
export function startClawctl(args: string[], options: { env?: NodeJS.ProcessEnv; command?: string; argv?: string[] } = {}): ClawctlProcess {
  const child = spawn(options.command ?? process.execPath, options.argv ?? [CLAWCTL, ...args], {
    env: { ...process.env, NODE_EXTRA_CA_CERTS: '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const started: ClawctlProcess = {
    child,
    pid: child.pid ?? -1,
    stdout: () => stdout,
    stderr: () => stderr,
    waitForStdout: (what, predicate, timeoutMs = 15_000) =>
      waitFor(`clawctl stdout: ${what}`, () => predicate(stdout) && stdout, timeoutMs).catch((error: Error) => {
        throw new Error(`${error.message}\nstdout: ${stdout}\nstderr: ${stderr}`);
      }),
    exited,
    async stop(signal = 'SIGINT') {
      if (child.exitCode === null && child.signalCode === null) process.kill(started.pid, signal);
      return exited;
    },
  };
  running.push(started);
  return started;
}

/** For afterEach: kills, by pid, every clawctl a test left running. */
export async function killClawctls(): Promise<void> {
  const all = running.splice(0);
  for (const started of all) {
    if (started.child.exitCode === null && started.child.signalCode === null) process.kill(started.pid, 'SIGKILL');
  }
  await Promise.all(all.map((started) => started.exited));
}

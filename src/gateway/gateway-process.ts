import { spawn, type ChildProcess } from 'node:child_process';
import { readPipe } from './pipe-reader.js';
import { signalProcessGroup } from './process-identity.js';
import { resolveCommand } from './resolve-command.js';

export type OutputStream = 'stdout' | 'stderr';

export interface GatewaySpawnOptions {
  command: readonly string[];
  cwd: string;
  env: Record<string, string>;
  /** The bound on waiting for the pipes after an exit with a code (OUTPUT_DRAIN_MS when absent). */
  outputDrainMs?: number;
}

export interface GatewayCallbacks {
  onSpawned(pid: number, resolvedPath: string): void;
  onSpawnFailed(errorCode: string, message: string): void;
  /** Raw output as read from the pipe, valid during the call only: splitting it into lines is the caller's business. */
  onOutput(stream: OutputStream, chunk: Buffer): void;
  onExit(code: number | null, signal: string | null): void;
}

// After an exit with a code, the pipes may still hold the last lines the gateway wrote: wait this long for them at most.
const OUTPUT_DRAIN_MS = 100;

/** Starts the gateway in its own process group; its output is read continuously so the gateway never blocks on us. */
export function spawnGateway(options: GatewaySpawnOptions, callbacks: GatewayCallbacks): { pid: number | null; signal(signal: NodeJS.Signals): void } {
  const [command = '', ...args] = options.command;
  const resolved = resolveCommand(command, options.cwd, options.env.PATH);
  if (!resolved.ok) {
    queueMicrotask(() => callbacks.onSpawnFailed(resolved.errorCode, resolved.message));
    return { pid: null, signal: () => undefined };
  }
  let child: ChildProcess;
  try {
    child = spawn(resolved.path, args, { cwd: options.cwd, env: options.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'EUNKNOWN';
    queueMicrotask(() => callbacks.onSpawnFailed(code, `${resolved.path}: ${(error as Error).message}`));
    return { pid: null, signal: () => undefined };
  }
  const pid = child.pid ?? null;
  let hasEnded = false;
  child.once('error', (error: NodeJS.ErrnoException) => {
    if (hasEnded || child.pid !== undefined) return;
    hasEnded = true;
    callbacks.onSpawnFailed(error.code ?? 'EUNKNOWN', `${resolved.path}: ${error.message}`);
  });
  readPipe(child.stdout, (chunk) => callbacks.onOutput('stdout', chunk));
  readPipe(child.stderr, (chunk) => callbacks.onOutput('stderr', chunk));
  child.once('exit', (code, signal) => {
    if (hasEnded) return;
    hasEnded = true;
    // Workers the gateway started share its group: none may outlive it and hold its port or lock.
    if (pid !== null) signalProcessGroup(pid, 'SIGKILL');
    // Killed by a signal: its class does not hang on what it printed, so the replacement does not wait for pipes
    // that a helper outside the group may hold; lines still arriving go on through onOutput.
    if (signal !== null) return callbacks.onExit(code, signal);
    // An exit with a code is classified by its last stderr lines (MODULE_NOT_FOUND): wait for them, within a bound.
    waitForOutputDrain(child, options.outputDrainMs ?? OUTPUT_DRAIN_MS, () => callbacks.onExit(code, signal));
  });
  if (pid !== null) queueMicrotask(() => callbacks.onSpawned(pid, resolved.path));
  return {
    pid,
    signal(signal: NodeJS.Signals): void {
      if (pid !== null) signalProcessGroup(pid, signal);
    },
  };
}

/**
 * Calls `done` once both pipes have given all they hold (their end was read), or after `drainMs`. Exported for its
 * unit test; `spawnGateway` is its one user.
 */
export function waitForOutputDrain(child: Pick<ChildProcess, 'stdout' | 'stderr'>, drainMs: number, done: () => void): void {
  // The end read means every 'data' has been emitted: the close that follows (a turn later) adds nothing to wait for.
  const streams = [child.stdout, child.stderr].filter((stream) => stream !== null && !stream.readableEnded && !stream.destroyed);
  if (streams.length === 0) return done();
  let pending = streams.length;
  let isDone = false;
  const finish = (): void => {
    if (isDone) return;
    isDone = true;
    clearTimeout(timer);
    done();
  };
  // A grandchild holding the pipes open must not delay the restart.
  const timer = setTimeout(finish, drainMs);
  for (const stream of streams) {
    let isCounted = false;
    // 'close' without 'end': the pipe failed; it will give nothing more either.
    const count = (): void => {
      if (isCounted) return;
      isCounted = true;
      pending -= 1;
      if (pending === 0) finish();
    };
    stream?.once('end', count);
    stream?.once('close', count);
  }
}

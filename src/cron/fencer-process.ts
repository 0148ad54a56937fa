import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../daemon/logger.js';

const FENCER_PATH = fileURLToPath(new URL('./fencer.js', import.meta.url));
const FENCER_EXIT_WAIT_MS = 2_000;

export interface Fencer {
  /** Whether it is running and said it is ready: cron may go on only then. */
  isAlive(): boolean;
  /** Cron may stay on for this long more without a new word; null: cron is off, nothing to guard. */
  guard(guardForMs: number | null): void;
  /** Ends it (its stdin closes; it turns cron off if on, then exits) and waits for it. */
  stop(): Promise<void>;
}

/** Starts the fencer (src/cron/fencer.ts; `onChange` when it is ready or has exited) beside clawsupd; it outlives a SIGKILLed or SIGSTOPped clawsupd just long enough to fence. */
export function startFencer(openclawConfigPath: string, log: Logger, onChange: () => void): Fencer {
  const child: ChildProcess = spawn(process.execPath, [FENCER_PATH, openclawConfigPath], { stdio: ['pipe', 'pipe', 'inherit'] });
  let isReady = false;
  let isExited = false;
  let isStopping = false;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      isExited = true;
      if (!isStopping) log.error({ pid: child.pid, exitCode: code, signal }, 'cron fencer exited: cron stays off until it is back');
      resolve();
      if (!isStopping) onChange();
    });
  });
  child.once('error', (error) => log.error({ err: error.message }, 'cron fencer could not start'));
  child.stdin?.on('error', () => undefined);
  let buffered = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    buffered += chunk;
    let newline = buffered.indexOf('\n');
    while (newline >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      newline = buffered.indexOf('\n');
      if (line.includes('"ready"')) {
        isReady = true;
        onChange();
      }
      else if (line.includes('"fenced"')) log.warn({ pid: child.pid, line }, 'cron fencer turned cron off: clawsupd missed its deadline');
    }
  });
  log.debug({ pid: child.pid }, 'cron fencer started');
  return {
    isAlive: () => isReady && !isExited,
    guard(guardForMs) {
      if (isExited || child.stdin === null || child.stdin.destroyed) return;
      child.stdin.write(`${JSON.stringify({ guardForMs: guardForMs === null ? null : Math.max(0, Math.floor(guardForMs)) })}\n`);
    },
    async stop() {
      isStopping = true;
      if (isExited) return;
      child.stdin?.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), FENCER_EXIT_WAIT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}

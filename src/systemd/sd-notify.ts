import { spawn } from 'node:child_process';
import type { NotifyFields } from './notify-plan.js';
import { enqueueNotify, formatNotifyArgs } from './notify-queue.js';
import type { Logger } from '../daemon/logger.js';

/** clawsupd's one way to talk to systemd (sd_notify). Without NOTIFY_SOCKET it does nothing and never fails. */
export interface SdNotifier {
  readonly isEnabled: boolean;
  /** Queues a message; returns at once. While a send is in flight, later messages are coalesced. */
  send(fields: NotifyFields): void;
  /** Resolves once everything queued has been handed over (or given up on). */
  drain(): Promise<void>;
}

export interface SdNotifierOptions {
  env: NodeJS.ProcessEnv;
  log: Logger;
  /** A send still running after this is killed, so the daemon never waits on systemd. */
  sendTimeoutMs: number;
  /** The program and leading arguments that send one message; `systemd-notify` unless a test swaps it. */
  command?: readonly string[];
}

const DEFAULT_COMMAND = ['systemd-notify'];
const FALLBACK_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * Node's dgram has no Unix datagram sockets, so each message is one `systemd-notify` run (unit: NotifyAccess=all).
 * systemd 252's systemd-notify waits until systemd has read the message, which also keeps it attributable to our unit.
 */
export function createSdNotifier(options: SdNotifierOptions): SdNotifier {
  const socketPath = options.env.NOTIFY_SOCKET;
  if (socketPath === undefined || socketPath === '') {
    return { isEnabled: false, send: () => undefined, drain: () => Promise.resolve() };
  }
  const log = options.log.child({ component: 'sd-notify' });
  const [program = 'systemd-notify', ...leadingArgs] = options.command ?? DEFAULT_COMMAND;
  const env = { NOTIFY_SOCKET: socketPath, PATH: options.env.PATH ?? FALLBACK_PATH };
  let queue: NotifyFields[] = [];
  let isInFlight = false;
  let isFailing = false;
  const idleWaiters: Array<() => void> = [];

  function pump(): void {
    if (isInFlight) return;
    const [batch, ...rest] = queue;
    if (batch === undefined) {
      for (const resolve of idleWaiters.splice(0)) resolve();
      return;
    }
    queue = rest;
    isInFlight = true;
    const args = formatNotifyArgs(batch);
    let stderr = '';
    const child = spawn(program, [...leadingArgs, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    const killTimer = setTimeout(() => child.kill('SIGKILL'), options.sendTimeoutMs);
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-500);
    });
    let isSettled = false;
    const settle = (failure: string | null): void => {
      if (isSettled) return;
      isSettled = true;
      clearTimeout(killTimer);
      isInFlight = false;
      reportOutcome(failure, args);
      pump();
    };
    child.once('error', (error) => settle(error.message));
    child.once('exit', (code, signal) => settle(code === 0 ? null : `exit ${code ?? signal}: ${stderr.trim()}`));
  }

  // One line when sending starts failing and one when it recovers: a missing binary must not flood the log.
  function reportOutcome(failure: string | null, args: string[]): void {
    if (failure !== null && !isFailing) log.warn({ failure, message: args }, 'cannot notify systemd');
    if (failure === null && isFailing) log.info({ message: args }, 'notifying systemd works again');
    isFailing = failure !== null;
    if (failure === null) log.debug({ message: args }, 'notified systemd');
  }

  return {
    isEnabled: true,
    send(fields) {
      queue = enqueueNotify(queue, fields);
      pump();
    },
    drain() {
      if (!isInFlight && queue.length === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
  };
}

import type { NotifyFields } from './notify-plan.js';
import { enqueueNotify, formatNotifyArgs } from './notify-queue.js';
import type { Logger } from '../daemon/logger.js';
import { createDatagramSender, createProgramSender, loadDgramSocket, type NotifySender } from './notify-senders.js';

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
  /** Send through this program and leading arguments (a test's stand-in for `systemd-notify`) instead of a datagram. */
  command?: readonly string[];
}

const FALLBACK_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * Each message goes out as one datagram from clawsupd's own process (node-unix-socket: Node's dgram has no Unix
 * datagram sockets), so the units say NotifyAccess=main. Where that addon has no binary, or NOTIFY_SOCKET is abstract
 * (`@...`, which it cannot address), `systemd-notify` sends instead: systemd then sees a child as the sender and
 * drops it under NotifyAccess=main, which is said once at start with the fix.
 */
export function createSdNotifier(options: SdNotifierOptions): SdNotifier {
  const socketPath = options.env.NOTIFY_SOCKET;
  if (socketPath === undefined || socketPath === '') {
    return { isEnabled: false, send: () => undefined, drain: () => Promise.resolve() };
  }
  const log = options.log.child({ component: 'sd-notify' });
  const sender = chooseSender(options, socketPath, log);
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
    sender.send(args, (failure) => {
      isInFlight = false;
      reportOutcome(failure, args);
      pump();
    });
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

function chooseSender(options: SdNotifierOptions, socketPath: string, log: Logger): NotifySender {
  const programEnv = { NOTIFY_SOCKET: socketPath, PATH: options.env.PATH ?? FALLBACK_PATH };
  if (options.command !== undefined) return createProgramSender(options.command, programEnv, options.sendTimeoutMs);
  const { socketClass, why } = loadDgramSocket();
  if (socketClass !== null && !socketPath.startsWith('@')) return createDatagramSender(socketClass, socketPath, options.sendTimeoutMs);
  log.error(
    { notifySocket: socketPath, why: why ?? 'an abstract NOTIFY_SOCKET' },
    'cannot send sd_notify from clawsupd itself: systemd-notify sends instead, and the unit needs NotifyAccess=all for it (a drop-in)',
  );
  return createProgramSender(['systemd-notify'], programEnv, options.sendTimeoutMs);
}

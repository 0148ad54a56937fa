import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

/** Hands one message to systemd; calls back once, with null or what went wrong. Never throws. */
export interface NotifySender {
  readonly kind: 'datagram' | 'program';
  send(lines: string[], done: (failure: string | null) => void): void;
}

// The part of node-unix-socket's DgramSocket used here (a napi addon, prebuilt for Linux x64/arm64/armv7 and macOS).
interface DgramSocket {
  sendTo(buf: Buffer, offset: number, length: number, path: string, onWrite: (error?: Error) => void): void;
  close(): void;
  on(event: 'error', listener: (error: Error) => void): void;
}

type DgramSocketClass = new () => DgramSocket;

let loaded: { socketClass: DgramSocketClass | null; why: string | null } | null = null;

/** node-unix-socket's DgramSocket, or why it cannot be had on this platform (no prebuilt binary). */
export function loadDgramSocket(): { socketClass: DgramSocketClass | null; why: string | null } {
  if (loaded !== null) return loaded;
  try {
    const module = createRequire(import.meta.url)('node-unix-socket') as { DgramSocket: DgramSocketClass };
    loaded = { socketClass: module.DgramSocket, why: null };
  } catch (error) {
    loaded = { socketClass: null, why: (error as Error).message.split('\n')[0] ?? 'cannot load node-unix-socket' };
  }
  return loaded;
}

/**
 * Sends from clawsupd's own process, so systemd sees the main PID as the sender and the unit can say
 * NotifyAccess=main: nothing else in the cgroup (the gateway, what its agents run) can send READY=1 or WATCHDOG=1.
 * One socket per message: a watchdog ping every few seconds costs nothing, and no handle outlives the send.
 */
export function createDatagramSender(socketClass: DgramSocketClass, socketPath: string, timeoutMs: number): NotifySender {
  return {
    kind: 'datagram',
    send(lines, done) {
      let socket: DgramSocket;
      try {
        socket = new socketClass();
      } catch (error) {
        done((error as Error).message);
        return;
      }
      let isSettled = false;
      const settle = (failure: string | null): void => {
        if (isSettled) return;
        isSettled = true;
        clearTimeout(timer);
        socket.close();
        done(failure);
      };
      // A datagram to a socket nobody drains would wait for room: give up as a hung systemd-notify would be killed.
      const timer = setTimeout(() => settle(`no room on ${socketPath} after ${timeoutMs} ms`), timeoutMs);
      socket.on('error', (error) => settle(error.message));
      const message = Buffer.from(`${lines.join('\n')}\n`);
      try {
        socket.sendTo(message, 0, message.length, socketPath, (error) => settle(error ? error.message : null));
      } catch (error) {
        settle((error as Error).message);
      }
    },
  };
}

/** One run of `systemd-notify` (or a stand-in) per message: systemd sees that child as the sender. */
export function createProgramSender(command: readonly string[], env: NodeJS.ProcessEnv, timeoutMs: number): NotifySender {
  const [program = 'systemd-notify', ...leadingArgs] = command;
  return {
    kind: 'program',
    send(lines, done) {
      let stderr = '';
      const child = spawn(program, [...leadingArgs, ...lines], { env, stdio: ['ignore', 'ignore', 'pipe'] });
      const killTimer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.stderr?.on('data', (chunk: Buffer) => {
        stderr = (stderr + chunk.toString()).slice(-500);
      });
      let isSettled = false;
      const settle = (failure: string | null): void => {
        if (isSettled) return;
        isSettled = true;
        clearTimeout(killTimer);
        done(failure);
      };
      child.once('error', (error) => settle(error.message));
      child.once('exit', (code, signal) => settle(code === 0 ? null : `exit ${code ?? signal}: ${stderr.trim()}`));
    },
  };
}

import { connect } from 'node:net';
import { encodeLine, PROTOCOL_VERSION, type ControlMethod, type SubscribeTopic } from './protocol.js';
import { ClawsupError, isClawsupError, type ErrorCode } from '../errors.js';

/** How long clawctl waits for a daemon to connect and answer. */
export const DEFAULT_REPLY_TIMEOUT_MS = 5_000;

// What a refusal from the daemon becomes on clawctl's side.
const REPLY_ERROR_CODES: Record<string, ErrorCode> = {
  'not-in-diagnose': 'CLAWSUP_ERR_REFUSED',
  'not-held': 'CLAWSUP_ERR_REFUSED',
  'cron-leader-off': 'CLAWSUP_ERR_REFUSED',
  'gateway-config-busy': 'CLAWSUP_ERR_REFUSED',
  'gateway-config-unavailable': 'CLAWSUP_ERR_REFUSED',
  'gateway-config-unknown': 'CLAWSUP_ERR_GATEWAY_CONFIG_UNKNOWN',
  'shutting-down': 'CLAWSUP_ERR_REFUSED',
  'too-many-clients': 'CLAWSUP_ERR_NO_DAEMON',
  'skill-write-failed': 'CLAWSUP_ERR_SKILL_FILE',
};

/** Sends one request over the control socket and resolves with its result; every failure is a ClawsupError. */
export function callDaemon(socketPath: string, method: ControlMethod, params: unknown = {}, timeoutMs = DEFAULT_REPLY_TIMEOUT_MS): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    let received = '';
    let isSettled = false;
    const settle = (error: ClawsupError | null, result?: unknown): void => {
      if (isSettled) return;
      isSettled = true;
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(result);
    };
    const timer = setTimeout(
      () => settle(new ClawsupError('CLAWSUP_ERR_NO_DAEMON', `${socketPath}: clawsupd did not answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(encodeLine({ v: PROTOCOL_VERSION, id: 1, method, params })));
    socket.on('data', (chunk: string) => {
      received += chunk;
      const newline = received.indexOf('\n');
      if (newline === -1) return;
      try {
        settle(null, readReply(received.slice(0, newline), socketPath, method));
      } catch (error) {
        settle(error as ClawsupError);
      }
    });
    socket.on('end', () => settle(new ClawsupError('CLAWSUP_ERR_NO_DAEMON', `${socketPath}: clawsupd hung up without answering`)));
    socket.on('error', (error: NodeJS.ErrnoException) => settle(connectionError(socketPath, error)));
  });
}

export interface FollowHandlers {
  /** The subscribe reply's result: the current value of each topic. */
  onFirst(result: Record<string, unknown>): void;
  onPush(topic: SubscribeTopic, value: unknown): void;
}

/**
 * Subscribes and calls the handlers until `signal` aborts (resolves) or the subscription ends otherwise (rejects with a
 * ClawsupError: no daemon, a refusal, the daemon hanging up). Only the first reply has a deadline.
 */
export function followDaemon(
  socketPath: string,
  params: { topics: SubscribeTopic[]; n?: number },
  handlers: FollowHandlers,
  signal: AbortSignal,
  timeoutMs = DEFAULT_REPLY_TIMEOUT_MS,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    let received = '';
    let hasFirst = false;
    let isSettled = false;
    const settle = (error: ClawsupError | null): void => {
      if (isSettled) return;
      isSettled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      if (error) reject(error);
      else resolve();
    };
    const onAbort = (): void => settle(null);
    if (signal.aborted) return settle(null);
    signal.addEventListener('abort', onAbort);
    const timer = setTimeout(
      () => settle(new ClawsupError('CLAWSUP_ERR_NO_DAEMON', `${socketPath}: clawsupd did not answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const readLine = (line: string): void => {
      let message: { ok?: unknown; topic?: unknown; value?: unknown; result?: unknown };
      try {
        message = JSON.parse(line) as typeof message;
      } catch {
        throw new ClawsupError('CLAWSUP_ERR_PROTOCOL', `${socketPath}: a line from clawsupd is not JSON`);
      }
      if (typeof message.topic === 'string') return handlers.onPush(message.topic as SubscribeTopic, message.value);
      const result = readReply(line, socketPath, 'subscribe');
      if (hasFirst) return;
      hasFirst = true;
      clearTimeout(timer);
      handlers.onFirst(typeof result === 'object' && result !== null ? (result as Record<string, unknown>) : {});
    };
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(encodeLine({ v: PROTOCOL_VERSION, id: 1, method: 'subscribe', params })));
    socket.on('data', (chunk: string) => {
      received += chunk;
      for (let newline = received.indexOf('\n'); newline !== -1 && !isSettled; newline = received.indexOf('\n')) {
        const line = received.slice(0, newline);
        received = received.slice(newline + 1);
        try {
          readLine(line);
        } catch (error) {
          settle(isClawsupError(error) ? error : new ClawsupError('CLAWSUP_ERR_PROTOCOL', `${socketPath}: ${(error as Error).message}`));
        }
      }
    });
    socket.on('end', () =>
      settle(new ClawsupError('CLAWSUP_ERR_NO_DAEMON', hasFirst ? `${socketPath}: clawsupd ended the subscription (it stopped?)` : `${socketPath}: clawsupd hung up without answering`)),
    );
    socket.on('close', () => settle(new ClawsupError('CLAWSUP_ERR_NO_DAEMON', `${socketPath}: the connection to clawsupd closed (it stopped?)`)));
    socket.on('error', (error: NodeJS.ErrnoException) => settle(connectionError(socketPath, error)));
  });
}

function readReply(line: string, socketPath: string, method: ControlMethod): unknown {
  let reply: { ok?: unknown; result?: unknown; error?: { code?: unknown; message?: unknown } };
  try {
    reply = JSON.parse(line) as typeof reply;
  } catch {
    throw new ClawsupError('CLAWSUP_ERR_PROTOCOL', `${socketPath}: the answer is not JSON`);
  }
  if (reply.ok === true) return reply.result;
  const code = String(reply.error?.code ?? 'unknown');
  const message = String(reply.error?.message ?? 'no message');
  throw new ClawsupError(REPLY_ERROR_CODES[code] ?? 'CLAWSUP_ERR_PROTOCOL', `${method}: ${message} (${code})`);
}

function connectionError(socketPath: string, error: NodeJS.ErrnoException): ClawsupError {
  switch (error.code) {
    case 'ENOENT':
      return new ClawsupError('CLAWSUP_ERR_NO_DAEMON', `${socketPath}: no clawsupd is listening (no socket)`);
    case 'ECONNREFUSED':
      return new ClawsupError('CLAWSUP_ERR_NO_DAEMON', `${socketPath}: no clawsupd is listening (socket left by a stopped daemon)`);
    case 'EACCES':
    case 'EPERM':
      return new ClawsupError('CLAWSUP_ERR_SOCKET_PERMISSION', `${socketPath}: permission denied: the socket is its owner's (and control.group's, if set)`);
    default:
      return new ClawsupError('CLAWSUP_ERR_NO_DAEMON', `${socketPath}: cannot reach clawsupd: ${error.code ?? error.message}`);
  }
}

import { chmodSync, chownSync, lstatSync, mkdirSync, statSync, unlinkSync } from 'node:fs';
import { connect, type Server } from 'node:net';
import { dirname } from 'node:path';
import { ClawsupError } from '../errors.js';
import { assertSafeFolder } from '../status/safe-folder.js';

const OWNER_ONLY_SOCKET = 0o600;
const GROUP_SOCKET = 0o660;
const OWNER_ONLY_DIR = 0o700;
const GROUP_DIR = 0o750;
// The socket is created with no bits for group and others, before its mode is set: no window for another user.
const SOCKET_UMASK = 0o177;
const PROBE_TIMEOUT_MS = 2_000;
// sun_path holds 108 bytes on Linux and 104 on macOS, the terminating NUL included.
const MAX_SOCKET_PATH_BYTES = process.platform === 'linux' ? 107 : 103;

/** Refuses, before anything else is touched, when a live clawsupd answers on the socket path. */
export async function refuseIfSocketAnswers(socketPath: string): Promise<void> {
  try {
    if (!lstatSync(socketPath).isSocket()) return;
  } catch {
    return;
  }
  if ((await probeSocket(socketPath)) === 'live') throw alreadyRunningError(socketPath);
}

/** Makes the socket's folder safe (creating it owner-only) and clears a socket left by a dead daemon. */
export async function claimSocketPath(socketPath: string, groupId: number | null): Promise<void> {
  const bytes = Buffer.byteLength(socketPath);
  if (bytes > MAX_SOCKET_PATH_BYTES) {
    // The kernel would bind a truncated path: a socket in another folder than the one asked for.
    throw new ClawsupError('CLAWSUP_ERR_SOCKET', `${socketPath}: ${bytes} bytes, over the ${MAX_SOCKET_PATH_BYTES} a Unix socket path may have; choose a shorter control.socket`);
  }
  ensureSafeDir(dirname(socketPath), groupId);
  let stat;
  try {
    stat = lstatSync(socketPath);
  } catch {
    return;
  }
  if (!stat.isSocket()) {
    throw new ClawsupError('CLAWSUP_ERR_SOCKET', `${socketPath}: exists and is not a socket; remove it or set another control.socket`);
  }
  const probe = await probeSocket(socketPath);
  if (probe === 'live') throw alreadyRunningError(socketPath);
  if (probe !== 'stale') throw new ClawsupError('CLAWSUP_ERR_SOCKET', `${socketPath}: cannot tell whether the socket is in use: ${probe}`);
  try {
    unlinkSync(socketPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new ClawsupError('CLAWSUP_ERR_SOCKET', `${socketPath}: cannot remove the stale socket: ${(error as NodeJS.ErrnoException).code}`);
    }
  }
}

/** Listens with a umask that leaves the socket owner-only from its first instant, then sets its final mode and group. */
export async function listenOnSocket(server: Server, socketPath: string, groupId: number | null): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      reject(new ClawsupError('CLAWSUP_ERR_SOCKET', `${socketPath}: cannot listen: ${error.code ?? error.message}`, { cause: error }));
    };
    server.once('error', onError);
    const previousUmask = process.umask(SOCKET_UMASK);
    try {
      server.listen(socketPath, () => {
        server.off('error', onError);
        resolve();
      });
    } finally {
      process.umask(previousUmask);
    }
  });
  try {
    if (groupId !== null) chownSync(socketPath, -1, groupId);
    chmodSync(socketPath, groupId === null ? OWNER_ONLY_SOCKET : GROUP_SOCKET);
  } catch (error) {
    server.close();
    const code = (error as NodeJS.ErrnoException).code;
    throw new ClawsupError('CLAWSUP_ERR_SOCKET', `${socketPath}: cannot give the socket to group ${groupId ?? ''}: ${code} (is clawsupd's user a member?)`, { cause: error });
  }
}

/** Removes the socket on the way out, unless another daemon has put its own there since. */
export function releaseSocketPath(socketPath: string, inode: number | null): void {
  try {
    if (inode !== null && lstatSync(socketPath).ino !== inode) return;
    unlinkSync(socketPath);
  } catch {
    // Already gone.
  }
}

export function inodeOf(path: string): number | null {
  try {
    return lstatSync(path).ino;
  } catch {
    return null;
  }
}

function ensureSafeDir(dir: string, groupId: number | null): void {
  try {
    statSync(dir);
  } catch {
    try {
      mkdirSync(dir, { recursive: true, mode: groupId === null ? OWNER_ONLY_DIR : GROUP_DIR });
      if (groupId !== null) chownSync(dir, -1, groupId);
    } catch (error) {
      throw new ClawsupError('CLAWSUP_ERR_SOCKET', `${dir}: cannot create the control socket's folder: ${(error as NodeJS.ErrnoException).code}`, { cause: error });
    }
    return;
  }
  assertSafeFolder(dir, "the control socket's folder", 'replace the control socket', 'CLAWSUP_ERR_SOCKET');
}

/** The refusal both checks give when a live clawsupd answers: one wording, whichever check finds it. */
function alreadyRunningError(socketPath: string): ClawsupError {
  return new ClawsupError(
    'CLAWSUP_ERR_ALREADY_RUNNING',
    `${socketPath}: another clawsupd answers on this control socket; stop it first, or give this one another control.socket`,
  );
}

function probeSocket(socketPath: string): Promise<'live' | 'stale' | string> {
  return new Promise((resolve) => {
    const socket = connect(socketPath);
    const timer = setTimeout(() => {
      socket.destroy();
      resolve('live');
    }, PROBE_TIMEOUT_MS);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve('live');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve(error.code === 'ECONNREFUSED' || error.code === 'ENOENT' ? 'stale' : (error.code ?? error.message));
    });
  });
}

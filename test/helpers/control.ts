import { spawn } from 'node:child_process';
import { chmodSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { buildSync } from 'esbuild';
import { CLAWCTL, REPO_ROOT } from './daemon.js';
import { findNodeForOthers, makeWorldReadableDir } from './for-other-users.js';

let clawctlForOthers: string | null = null;

/**
 * clawctl as one file in a world-readable folder, for running it as another user: the checkout itself may sit under a
 * folder only root can enter (a mktemp dir), and the test is about the socket's rules, not the checkout's.
 */
function bundleClawctlForOthers(): string {
  if (clawctlForOthers !== null) return clawctlForOthers;
  const dir = makeWorldReadableDir('cs-ctl-').path;
  const outfile = join(dir, 'clawctl.mjs');
  buildSync({
    absWorkingDir: REPO_ROOT,
    entryPoints: ['src/cli/clawctl.ts'],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    banner: { js: "import { createRequire as createRequireForBundle } from 'node:module';\nconst require = createRequireForBundle(import.meta.url);" },
    logLevel: 'warning',
  });
  chmodSync(outfile, 0o644);
  clawctlForOthers = outfile;
  return outfile;
}

export interface ClawctlRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface ClawctlOptions {
  /** Run as another user (root only): setpriv drops to this uid and gid with no supplementary groups. */
  asUid?: number;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/** For afterAll of a suite that ran clawctl as another user: removes the bundled copy. */
export function removeClawctlForOthers(): void {
  if (clawctlForOthers === null) return;
  rmSync(dirname(clawctlForOthers), { recursive: true, force: true });
  clawctlForOthers = null;
}

/** Runs the compiled clawctl to its end and returns its exit code and output. */
export function runClawctl(args: string[], options: ClawctlOptions = {}): Promise<ClawctlRun> {
  const node = process.execPath;
  const [command, argv] =
    options.asUid === undefined
      ? [node, [CLAWCTL, ...args]]
      : ['setpriv', [`--reuid=${options.asUid}`, `--regid=${options.asUid}`, '--clear-groups', findNodeForOthers(dirname(bundleClawctlForOthers())), bundleClawctlForOthers(), ...args]];
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, { env: { ...process.env, NODE_EXTRA_CA_CERTS: '', ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export interface RawExchange {
  replies: Array<Record<string, any>>;
  /** The socket closed (by the daemon, or after our end) before the deadline. */
  isClosed: boolean;
  error: string | null;
}

/**
 * Writes raw bytes to the control socket and collects the reply lines until the daemon closes the
 * connection, `expectReplies` lines have come, or `timeoutMs` passes.
 */
export function exchangeRaw(socketPath: string, payload: string | Buffer, options: { halfClose?: boolean; expectReplies?: number; timeoutMs?: number } = {}): Promise<RawExchange> {
  return new Promise((resolve) => {
    const socket = connect(socketPath);
    let buffer = '';
    const replies: Array<Record<string, any>> = [];
    let error: string | null = null;
    const finish = (isClosed: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ replies, isClosed, error });
    };
    const timer = setTimeout(() => finish(false), options.timeoutMs ?? 10_000);
    socket.on('connect', () => {
      if (payload.length > 0) socket.write(payload);
      if (options.halfClose) socket.end();
    });
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      let newline = buffer.indexOf('\n');
      while (newline !== -1) {
        replies.push(JSON.parse(buffer.slice(0, newline)));
        buffer = buffer.slice(newline + 1);
        newline = buffer.indexOf('\n');
      }
      if (options.expectReplies !== undefined && replies.length >= options.expectReplies) finish(false);
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      error = err.code ?? err.message;
    });
    socket.on('close', () => finish(true));
  });
}

/** One well-formed request; resolves with its reply. */
export async function requestControl(socketPath: string, method: string, params?: unknown): Promise<Record<string, any>> {
  const exchange = await exchangeRaw(socketPath, `${JSON.stringify({ v: 1, id: 1, method, params })}\n`, { expectReplies: 1 });
  const [reply] = exchange.replies;
  if (!reply) throw new Error(`no reply to ${method}: ${exchange.error ?? 'closed'}`);
  return reply;
}

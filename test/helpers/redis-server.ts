import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { freePort } from './free-port.js';
import { waitFor } from './wait-for.js';

export interface RedisServer {
  port: number;
  url: string;
  pid(): number;
  /** Ends it by its PID (SIGKILL: nothing is saved, so it comes back empty) and waits for the exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty. */
  start(): Promise<void>;
  /** A redis-cli call, for a test's own reads and writes (FLUSHALL, SET). */
  cli(...args: string[]): string;
}

/** Debian's redis-server on 127.0.0.1 on a free port, no persistence; resolves once PING answers. */
export async function startRedis(): Promise<RedisServer> {
  const port = await freePort();
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  const cli = (...args: string[]): string => {
    const result = spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { encoding: 'utf8', timeout: 5_000 });
    return (result.stdout ?? '').trim();
  };
  const server: RedisServer = {
    port,
    url: `redis://127.0.0.1:${port}`,
    pid: () => child?.pid ?? -1,
    async start() {
      const started = spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no', '--bind', '127.0.0.1'], { stdio: 'ignore' });
      child = started;
      exited = new Promise((resolve) => started.once('exit', () => resolve()));
      await waitFor('redis PING', () => cli('PING') === 'PONG', 10_000, 25);
    },
    async stop() {
      if (child !== null && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      child = null;
    },
    cli,
  };
  await server.start();
  return server;
}

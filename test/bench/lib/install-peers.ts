import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { runCommand, runOrThrow } from './run-command.js';

// The peers are installed outside the repo, once, and reused by later runs.
const PM2_VERSION = '7';
const CACHE_DIR = process.env.CLAWSUP_BENCH_CACHE ?? join(homedir(), '.cache', 'clawsup', 'bench');

/** PM2 from the npm registry, into the bench cache; returns the path of its CLI. */
export async function ensurePm2(): Promise<string> {
  const prefix = join(CACHE_DIR, 'pm2');
  const bin = join(prefix, 'node_modules', '.bin', 'pm2');
  if (existsSync(bin)) return bin;
  mkdirSync(prefix, { recursive: true });
  process.stderr.write(`installing pm2@${PM2_VERSION} into ${prefix}\n`);
  // The install keeps the environment as it is: the registry may need NODE_EXTRA_CA_CERTS; only timed runs drop it.
  await runOrThrow('npm', ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--loglevel=error', `pm2@${PM2_VERSION}`]);
  return bin;
}

/** supervisord from Debian's `supervisor` package (needs root for apt-get). */
export async function ensureSupervisord(): Promise<{ supervisord: string; supervisorctl: string }> {
  const found = { supervisord: '/usr/bin/supervisord', supervisorctl: '/usr/bin/supervisorctl' };
  if (existsSync(found.supervisord)) return found;
  if (process.getuid?.() !== 0) throw new Error('supervisord is not installed and installing it needs root: apt-get install supervisor');
  process.stderr.write('installing supervisor with apt-get\n');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const first = await runCommand('apt-get', ['install', '-y', '--no-install-recommends', 'supervisor'], { env });
  if (first.code !== 0) {
    await runOrThrow('apt-get', ['update'], { env });
    await runOrThrow('apt-get', ['install', '-y', '--no-install-recommends', 'supervisor'], { env });
  }
  // The package may have started its own system-wide daemon; the bench runs its own and leaves that one alone.
  return found;
}

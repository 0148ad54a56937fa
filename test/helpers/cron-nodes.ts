import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, startDaemon, type Daemon } from './daemon.js';
import { makeTempDir } from './temp-dir.js';
import { waitFor } from './wait-for.js';

/** One line of the fake cron gateway's record (test/fixtures/cron-gateway.mjs). */
export interface CronRecord {
  atMs: number;
  pid: number;
  isCronOn: boolean;
}

/** A "node": a clawsupd with the cron leader on, its own status dir, and a fake gateway recording when its cron is on. */
export interface CronNode {
  name: string;
  daemon: Daemon;
  recordPath: string;
  openclawConfigPath: string;
}

/** What the waits read of a node: its cron.json (in its status dir) and its gateway's record. */
export interface WatchedCronNode {
  name: string;
  daemon: { statusDir: string };
  recordPath: string;
}

export interface CronNodeOptions {
  leader?: Record<string, unknown>;
  /** ms before the fake gateway says ready. */
  startupMs?: number;
  /** More clawsupd config (http, restart, ...), merged at the top level. */
  config?: Record<string, unknown>;
}

/** Starts a node; `dirs` collects its temp dir for the test's cleanup. */
export function startCronNode(name: string, redisUrl: string, dirs: Array<{ remove(): void }>, options: CronNodeOptions = {}): CronNode {
  const temp = makeTempDir('cs-cron-');
  dirs.push(temp);
  const recordPath = join(temp.path, 'cron-records.ndjson');
  const openclawConfigPath = join(temp.path, 'openclaw.json');
  // The gateway's own config as the operator left it: cron on. clawsup turns it off until this node leads.
  writeFileSync(openclawConfigPath, JSON.stringify({ gateway: { mode: 'local' }, cron: { enabled: true } }));
  const daemon = startDaemon({
    dir: temp.path,
    env: { CLAWSUP_NODE_NAME: name },
    config: {
      gateway: { command: [process.execPath, join(FIXTURES, 'cron-gateway.mjs'), recordPath, String(options.startupMs ?? 0)], env: { OPENCLAW_CONFIG_PATH: openclawConfigPath }, openclawConfigPath },
      cron: { leader: { enabled: true, redisUrl, leaseMs: 1_200, connectTimeoutMs: 300, ...options.leader } },
      ...options.config,
    },
  });
  return { name, daemon, recordPath, openclawConfigPath };
}

export function readCronRecords(recordPath: string): CronRecord[] {
  if (!existsSync(recordPath)) return [];
  return readFileSync(recordPath, 'utf8').split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as CronRecord);
}

export function isRecordedCronOn(recordPath: string): boolean {
  return readCronRecords(recordPath).at(-1)?.isCronOn ?? false;
}

/** status.dir/cron.json of a clawsupd, or null while it has none. */
export function readCronJson(statusDir: string): Record<string, any> | null {
  try {
    return JSON.parse(readFileSync(join(statusDir, 'cron.json'), 'utf8'));
  } catch {
    return null;
  }
}

/** From the gateways' own records: the most gateways that had cron on at one instant (before `untilMs` when given). */
export function maxCronOnAtOnce(recordPaths: readonly string[], untilMs = Number.POSITIVE_INFINITY): number {
  const changes = recordPaths
    .flatMap((path) => readCronRecords(path))
    .filter((record) => record.atMs < untilMs)
    .sort((a, b) => a.atMs - b.atMs || Number(a.isCronOn) - Number(b.isCronOn));
  const onByPid = new Map<number, boolean>();
  let max = 0;
  for (const change of changes) {
    onByPid.set(change.pid, change.isCronOn);
    max = Math.max(max, [...onByPid.values()].filter(Boolean).length);
  }
  return max;
}

/** Waits until exactly one node leads, the others follow, and only the leader's gateway has cron on. */
export async function waitForOneCronLeader<Node extends WatchedCronNode>(all: readonly Node[], what: string, timeoutMs = 20_000): Promise<{ leader: Node; term: number }> {
  return waitFor(
    what,
    () => {
      const roles = all.map((node) => readCronJson(node.daemon.statusDir)?.role);
      const leaders = all.filter((_node, i) => roles[i] === 'leader');
      if (leaders.length !== 1 || roles.some((role) => role !== 'leader' && role !== 'follower')) return undefined;
      const leader = leaders[0] as Node;
      if (!isRecordedCronOn(leader.recordPath) || all.some((node) => node !== leader && isRecordedCronOn(node.recordPath))) return undefined;
      return { leader, term: readCronJson(leader.daemon.statusDir)?.term as number };
    },
    timeoutMs,
  ).catch((error: Error) => {
    const states = all.map((node) => `${node.name}: ${JSON.stringify(readCronJson(node.daemon.statusDir))} records ${JSON.stringify(readCronRecords(node.recordPath).slice(-3))}`);
    throw new Error(`${error.message}\n${states.join('\n')}`);
  });
}

/** The journal's events (status.dir/events.ndjson), whole lines only. */
export function readJournal(statusDir: string): Array<Record<string, any>> {
  const path = join(statusDir, 'events.ndjson');
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').split('\n').flatMap((line) => {
    try {
      return [JSON.parse(line) as Record<string, any>];
    } catch {
      return [];
    }
  });
}

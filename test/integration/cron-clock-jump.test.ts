/**
 * A clock jump on one node, through the clock the cron part takes (never the machine's): the node runs clawsup's cron
 * part in a fixture process (test/fixtures/cron-clock-node.mjs) beside two real clawsupd nodes on one Redis. Forward
 * or backward, as leader or follower, there is never more than one gateway with cron on (from the gateways' own
 * records, on the machine's real clock), and the fleet ends with one leader.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { CLAWCTL, cleanupDaemons, FIXTURES, REPO_ROOT } from '../helpers/daemon.js';
import { maxCronOnAtOnce, readCronJson, readCronRecords, startCronNode, waitForOneCronLeader, type CronNode, type WatchedCronNode } from '../helpers/cron-nodes.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

const LEASE_MS = 1_200;
const TEN_MINUTES_MS = 600_000;

let redis: RedisServer | null = null;
const dirs: Array<{ remove(): void }> = [];
let jumperChild: ChildProcess | null = null;
let proxy: TcpProxy | null = null;

afterEach(async () => {
  if (jumperChild !== null && jumperChild.exitCode === null && jumperChild.signalCode === null) {
    const exited = new Promise((resolve) => jumperChild?.once('exit', resolve));
    jumperChild.kill('SIGTERM');
    await exited;
  }
  jumperChild = null;
  await cleanupDaemons();
  await proxy?.close();
  proxy = null;
  await redis?.stop();
  redis = null;
  for (const dir of dirs.splice(0)) dir.remove();
});

interface Jumper extends WatchedCronNode {
  send(command: Record<string, unknown>, answerKey: string): Promise<Record<string, unknown>>;
}

async function startJumper(redisUrl: string): Promise<Jumper> {
  const temp = makeTempDir('cs-jump-');
  dirs.push(temp);
  const recordPath = join(temp.path, 'cron-records.ndjson');
  const child = spawn(process.execPath, [join(FIXTURES, 'cron-clock-node.mjs'), join(REPO_ROOT, 'dist'), temp.path, recordPath, redisUrl, String(LEASE_MS)], { stdio: ['pipe', 'pipe', 'inherit'] });
  jumperChild = child;
  const answers: Array<Record<string, unknown>> = [];
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => answers.push(JSON.parse(line) as Record<string, unknown>));
  await waitFor('the jumper attached', () => answers.some((answer) => answer.ready === true), 15_000);
  return {
    name: 'jumper',
    daemon: { statusDir: temp.path },
    recordPath,
    async send(command, answerKey) {
      const before = answers.length;
      child.stdin?.write(`${JSON.stringify(command)}\n`);
      return waitFor(`the jumper's answer to ${JSON.stringify(command)}`, () => answers.slice(before).find((answer) => answerKey in answer), 10_000);
    },
  };
}

/** Leaves a few renewal periods for the jump to play out, then waits for one leader. */
async function settle(all: WatchedCronNode[], what: string): Promise<{ leader: WatchedCronNode; term: number }> {
  const sinceMs = Date.now();
  await waitFor(`three renewal periods after: ${what}`, () => Date.now() - sinceMs > LEASE_MS, 2 * LEASE_MS);
  return waitForOneCronLeader(all, what);
}

describe('cron leader: a clock jump on one node', () => {
  it('forward and backward, as leader and as follower: never two gateways with cron on, one leader at the end', async () => {
    redis = await startRedis();
    // The jumper reaches Redis through a proxy the test can cut: Redis lost to it alone, the others keep it.
    proxy = await startTcpProxy(redis.port);
    const jumper = await startJumper(`redis://127.0.0.1:${proxy.port}`);
    const first = await waitForOneCronLeader([jumper], 'the jumper leads alone');
    const others: CronNode[] = ['b', 'c'].map((name) => startCronNode(name, (redis as RedisServer).url, dirs, { leader: { leaseMs: LEASE_MS } }));
    const all: WatchedCronNode[] = [jumper, ...others];
    await waitFor('the others follow the jumper', () => others.every((node) => readCronJson(node.daemon.statusDir)?.holder?.node === 'jumper'), 15_000);

    // The leader's clock jumps forward: its own lease looks over, so its cron goes off until a renewal confirms it.
    await jumper.send({ jumpMs: TEN_MINUTES_MS }, 'jumped');
    const afterForward = await settle(all, 'one leader after the leader\'s clock jumped forward');
    expect(maxCronOnAtOnce(all.map((node) => node.recordPath))).toBe(1);
    expect(afterForward.term).toBeGreaterThanOrEqual(first.term);

    // Backward, by more than it went forward, just as the leader loses Redis: its local deadline now looks half an hour
    // away, but a jump back makes it untrustworthy (a lost lease), so its cron is off before another node's goes on.
    if (afterForward.leader !== jumper) await waitFor('the jumper leads again', async () => (await reclaim(jumper, all)) === jumper, 30_000);
    (proxy as TcpProxy).block();
    await jumper.send({ jumpMs: -3 * TEN_MINUTES_MS }, 'jumped');
    const taken = await waitForOneCronLeader(others, 'another node leads while the jumper has no Redis');
    await waitFor('the jumper knows it has no quorum', () => readCronJson(jumper.daemon.statusDir)?.role === 'no-quorum', 10_000).catch((error: Error) => {
      throw new Error(`${error.message}: ${JSON.stringify(readCronJson(jumper.daemon.statusDir))}`);
    });
    expect(maxCronOnAtOnce(all.map((node) => node.recordPath))).toBe(1);
    (proxy as TcpProxy).unblock();
    const afterBack = await settle(all, 'one leader after the leader\'s clock jumped back and Redis came back to it');
    expect(afterBack.leader).toBe(taken.leader);
    expect(maxCronOnAtOnce(all.map((node) => node.recordPath))).toBe(1);

    // As a follower: the jumper hands over, then its clock jumps both ways; the leader elsewhere is not disturbed.
    const current = await waitForOneCronLeader(all, 'one leader before the hand-over');
    if (current.leader === jumper) await jumper.send({ stepDown: true }, 'steppedDown');
    const held = await waitForOneCronLeader(others, 'another node leads');
    await jumper.send({ jumpMs: 2 * TEN_MINUTES_MS }, 'jumped');
    await settle(all, 'one leader after the follower\'s clock jumped forward');
    await jumper.send({ jumpMs: -2 * TEN_MINUTES_MS }, 'jumped');
    const last = await settle(all, 'one leader after the follower\'s clock jumped back');
    expect(last.leader).toBe(held.leader);
    expect(last.term).toBe(held.term);
    expect(readCronRecords(jumper.recordPath).at(-1)?.isCronOn).toBe(false);
    expect(maxCronOnAtOnce(all.map((node) => node.recordPath))).toBe(1);
  }, 120_000);
});

/** Steps down whichever other node leads, until the jumper has the lease again; returns the leader seen. */
async function reclaim(jumper: Jumper, all: WatchedCronNode[]): Promise<WatchedCronNode | undefined> {
  const { leader } = await waitForOneCronLeader(all, 'a leader to hand over');
  if (leader === jumper) return jumper;
  const configPath = (leader as CronNode).daemon.configPath;
  spawnSync(process.execPath, [CLAWCTL, '--config', configPath, 'cron', 'step-down'], { encoding: 'utf8', timeout: 15_000 });
  return undefined;
}

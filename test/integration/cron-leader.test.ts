import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { isRecordedCronOn, maxCronOnAtOnce, readCronJson, readCronRecords, startCronNode, waitForOneCronLeader, type CronNode } from '../helpers/cron-nodes.js';
import { CLAWCTL, cleanupDaemons } from '../helpers/daemon.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { waitFor } from '../helpers/wait-for.js';

// Short leases so a failover fits a test (startCronNode's leaseMs): a renewal every 400 ms, cron off 300 ms before the lease ends.
const LEASE_MS = 1_200;
const RENEW_EVERY_MS = 400;
// The fake gateway looks at its config every 10 ms; a daemon on a loaded 2-core machine may be late by a few hundred ms.
const SWITCH_SLACK_MS = 800;

let redis: RedisServer | null = null;
const dirs: Array<{ remove(): void }> = [];

afterEach(async () => {
  for (const node of nodes.splice(0)) if (node.daemon.child.signalCode === null) node.daemon.child.kill('SIGCONT');
  await cleanupDaemons();
  await redis?.stop();
  redis = null;
  for (const dir of dirs.splice(0)) dir.remove();
});

const nodes: CronNode[] = [];

/** A node whose clawsupd the cleanup wakes (SIGCONT) before ending it. */
function startNode(name: string, redisUrl: string, leader: Record<string, unknown> = {}, startupMs = 0): CronNode {
  const node = startCronNode(name, redisUrl, dirs, { leader, startupMs });
  nodes.push(node);
  return node;
}

/**
 * Terms go on from the highest a node has seen, so a Redis that lost its state continues past it only once the
 * nodes have seen it: a flush within one renewal of a takeover may repeat a term (documented).
 */
async function waitForAllSeen(all: CronNode[], term: number): Promise<void> {
  await waitFor(`every node has seen term ${term}`, () => all.every((node) => (readCronJson(node.daemon.statusDir)?.highestTermSeen ?? 0) >= term), 5_000);
}

describe('cron leader on Redis', () => {
  it('three nodes on one Redis: exactly one leads and runs cron, the others follow with cron off', async () => {
    redis = await startRedis();
    // A longer lease here: a loaded CI machine must not hand it over during the check that renewals keep it.
    const all = ['a', 'b', 'c'].map((name) => startNode(name, (redis as RedisServer).url, { leaseMs: 3_000 }));
    const { leader, term } = await waitForOneCronLeader(all, 'one leader of three');
    expect(term).toBeGreaterThanOrEqual(1);
    await waitFor('every node names the leader and its term', () => all.every((node) => readCronJson(node.daemon.statusDir)?.holder?.node === leader.name && readCronJson(node.daemon.statusDir)?.term === term), 5_000);
    for (const node of all) {
      if (node !== leader) expect(JSON.parse(readFileSync(node.openclawConfigPath, 'utf8')).cron.enabled).toBe(false);
    }
    // status.json (and so clawctl status --json) carries the same role and term.
    await waitFor('status.json names the roles', () => all.every((node) => node.daemon.status()?.cron?.role === (node === leader ? 'leader' : 'follower')), 10_000);
    expect(leader.daemon.status()?.cron).toMatchObject({ term, isCronOn: true, holder: { node: leader.name } });
    // A few renewals later nothing has changed hands.
    await new Promise((resolve) => setTimeout(resolve, 3 * 1_000));
    expect((await waitForOneCronLeader(all, 'still the same leader')).term).toBe(term);
    expect(maxCronOnAtOnce(all.map((node) => node.recordPath))).toBe(1);
  });

  it('SIGKILL of the leader\'s clawsupd: its fencer turns its gateway\'s cron off, and another node takes over within a lease and a renewal', async () => {
    redis = await startRedis();
    const all = ['a', 'b', 'c'].map((name) => startNode(name, (redis as RedisServer).url));
    const first = await waitForOneCronLeader(all, 'one leader');
    const killedAtMs = Date.now();
    first.leader.daemon.child.kill('SIGKILL');
    await first.leader.daemon.exited;
    const survivors = all.filter((node) => node !== first.leader);
    const second = await waitForOneCronLeader(survivors, 'a new leader among the survivors');
    expect(second.term).toBeGreaterThan(first.term);
    // The dead one's gateway is still running, with cron off (its fencer did it, clawsupd being gone).
    expect(isRecordedCronOn(first.leader.recordPath)).toBe(false);
    const newOnAtMs = readCronRecords(second.leader.recordPath).filter((record) => record.isCronOn).at(-1)?.atMs as number;
    expect(newOnAtMs - killedAtMs).toBeLessThanOrEqual(LEASE_MS + RENEW_EVERY_MS + SWITCH_SLACK_MS);
    expect(maxCronOnAtOnce(all.map((node) => node.recordPath))).toBe(1);
  });

  it('SIGSTOP of the leader\'s clawsupd past its lease: the fencer turns cron off before another node turns it on', async () => {
    redis = await startRedis();
    const all = ['a', 'b'].map((name) => startNode(name, (redis as RedisServer).url));
    const first = await waitForOneCronLeader(all, 'one leader');
    first.leader.daemon.child.kill('SIGSTOP');
    const other = all.find((node) => node !== first.leader) as CronNode;
    await waitFor('the other node runs cron', () => isRecordedCronOn(other.recordPath), 10_000);
    expect(isRecordedCronOn(first.leader.recordPath)).toBe(false);
    expect(maxCronOnAtOnce(all.map((node) => node.recordPath))).toBe(1);
    // Woken up, the frozen one finds its lease gone and follows.
    first.leader.daemon.child.kill('SIGCONT');
    const after = await waitForOneCronLeader(all, 'one leader after SIGCONT');
    expect(after.leader).toBe(other);
    expect(maxCronOnAtOnce(all.map((node) => node.recordPath))).toBe(1);
  });

  it('Redis down: every node is no-quorum with cron off and says so; Redis back empty: one leader again, with a higher term', async () => {
    redis = await startRedis();
    const all = ['a', 'b'].map((name) => startNode(name, (redis as RedisServer).url));
    const first = await waitForOneCronLeader(all, 'one leader');
    await waitForAllSeen(all, first.term);
    await redis.stop();
    await waitFor('every node no-quorum with cron off', () => all.every((node) => readCronJson(node.daemon.statusDir)?.role === 'no-quorum' && !isRecordedCronOn(node.recordPath)), 10_000);
    expect(readCronJson(first.leader.daemon.statusDir)?.lastError).toMatch(/redis/);
    await first.leader.daemon.waitForStatus('cron-no-leader in reasons', (status) => (status.reasons as string[]).includes('cron-no-leader'), 10_000);
    await redis.start();
    const second = await waitForOneCronLeader(all, 'one leader once Redis is back');
    // Redis came back empty (its term counter at 0): the term still goes on from the highest seen.
    expect(second.term).toBeGreaterThan(first.term);
    await second.leader.daemon.waitForStatus('cron-no-leader cleared', (status) => !(status.reasons as string[]).includes('cron-no-leader'), 10_000);
    expect(maxCronOnAtOnce(all.map((node) => node.recordPath))).toBe(1);
  });

  it('a key overwritten by someone else: the leader turns cron off at its next renewal; FLUSHALL: one leader again, term up', async () => {
    redis = await startRedis();
    const all = ['a', 'b'].map((name) => startNode(name, (redis as RedisServer).url));
    const first = await waitForOneCronLeader(all, 'one leader');
    redis.cli('SET', 'clawsup:cron:leader', 'someone-else', 'PX', '3000');
    await waitFor('no gateway runs cron while the key is not a node\'s', () => all.every((node) => !isRecordedCronOn(node.recordPath)), 5_000);
    const second = await waitForOneCronLeader(all, 'one leader once the foreign key expired');
    expect(second.term).toBeGreaterThan(first.term);
    await waitForAllSeen(all, second.term);
    redis.cli('FLUSHALL');
    await waitFor('the leader lost its key', () => readCronRecords(second.leader.recordPath).at(-1)?.isCronOn === false || readCronJson(second.leader.daemon.statusDir)?.term !== second.term, 5_000);
    const third = await waitForOneCronLeader(all, 'one leader after FLUSHALL');
    expect(third.term, JSON.stringify({ first: first.term, second: second.term, a: readCronJson((all[0] as CronNode).daemon.statusDir), b: readCronJson((all[1] as CronNode).daemon.statusDir) })).toBeGreaterThan(second.term);
    expect(maxCronOnAtOnce(all.map((node) => node.recordPath))).toBe(1);
  });

  it('clawctl cron step-down hands leadership to another node; clawctl cron status shows the holder', async () => {
    redis = await startRedis();
    const all = ['a', 'b'].map((name) => startNode(name, (redis as RedisServer).url));
    const first = await waitForOneCronLeader(all, 'one leader');
    const stepDown = spawnSync(process.execPath, [CLAWCTL, '--config', first.leader.daemon.configPath, 'cron', 'step-down'], { encoding: 'utf8', timeout: 15_000 });
    expect(stepDown.stderr).toBe('');
    expect(stepDown.stdout).toContain(`lease of term ${first.term} released`);
    expect(stepDown.status).toBe(0);
    const second = await waitForOneCronLeader(all, 'the other node leads');
    expect(second.leader).not.toBe(first.leader);
    expect(second.term).toBeGreaterThan(first.term);
    // Holding off, the old leader still reads who holds the lease at each renewal period.
    await waitFor('the old leader names the new one', () => readCronJson(first.leader.daemon.statusDir)?.holder?.node === second.leader.name, 5_000);
    const shown = spawnSync(process.execPath, [CLAWCTL, '--config', first.leader.daemon.configPath, 'cron', 'status'], { encoding: 'utf8', timeout: 15_000 });
    expect(shown.status).toBe(0);
    expect(shown.stdout).toMatch(/role: +follower/);
    expect(shown.stdout).toContain(`holder:     ${second.leader.name}`);
    expect(shown.stdout).toContain(`term ${second.term}`);
    expect(maxCronOnAtOnce(all.map((node) => node.recordPath))).toBe(1);
  });

  it('cron goes on only once the gateway said ready: a config write during its start-up (which the real one exits 78 for) never happens', async () => {
    redis = await startRedis();
    const node = startNode('slow', redis.url, {}, 1_500);
    await waitFor('cron on after the gateway is ready', () => isRecordedCronOn(node.recordPath), 15_000).catch((error: Error) => {
      throw new Error(`${error.message} cron: ${JSON.stringify(readCronJson(node.daemon.statusDir))} gateway: ${JSON.stringify(node.daemon.status()?.gateway)} records: ${JSON.stringify(readCronRecords(node.recordPath))}`);
    });
    expect(node.daemon.status()?.gateway?.lastExit ?? null).toBe(null);
    // cron.json is written just after the switch: wait for it rather than read it between the two.
    await waitFor('cron.json says leader', () => readCronJson(node.daemon.statusDir)?.role === 'leader', 5_000);
  });

  it('a leader whose gateway dies: the next gateway starts with cron off and gets it on after its ready line, not exiting 78', async () => {
    redis = await startRedis();
    const node = startNode('crashy', redis.url, {}, 1_500);
    await waitFor('cron on', () => isRecordedCronOn(node.recordPath), 15_000);
    const firstPid = node.daemon.status()?.gateway?.pid as number;
    process.kill(firstPid, 'SIGKILL');
    const status = await node.daemon.waitForStatus('a new gateway', (current) => current.gateway?.pid !== null && current.gateway?.pid !== firstPid, 15_000);
    await waitFor('cron on in the new gateway', () => readCronRecords(node.recordPath).some((record) => record.pid === status.gateway.pid && record.isCronOn), 15_000);
    // It started with cron off: had the lease been lost during its start-up, no write would have hit it then.
    expect(readCronRecords(node.recordPath).find((record) => record.pid === status.gateway.pid)?.isCronOn).toBe(false);
    expect(node.daemon.status()?.gateway?.lastExit?.code).not.toBe(78);
    expect(node.daemon.status()?.mode).not.toBe('diagnose');
  });

  it('a Redis URL nobody answers at: no-quorum, cron off, a clear lastError', async () => {
    // A port nothing listens on: connection refused.
    const node = startNode('lonely', 'redis://127.0.0.1:1');
    await waitFor('no-quorum with an error', () => readCronJson(node.daemon.statusDir)?.role === 'no-quorum' && readCronJson(node.daemon.statusDir)?.lastError !== null, 10_000);
    expect(readCronJson(node.daemon.statusDir)?.lastError).toMatch(/redis/);
    expect(JSON.parse(readFileSync(node.openclawConfigPath, 'utf8')).cron.enabled).toBe(false);
    await node.daemon.waitForStatus('cron-no-leader', (status) => (status.reasons as string[]).includes('cron-no-leader'), 10_000);
  });
});

import { spawnSync } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { CLAWCTL, cleanupDaemons, FIXTURES, startDaemon, type Daemon } from '../helpers/daemon.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { isRecordedCronOn, maxCronOnAtOnce, readCronJson, readCronRecords, readJournal, startCronNode, waitForOneCronLeader, type CronNode } from '../helpers/cron-nodes.js';
import { freePort } from '../helpers/free-port.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { waitFor } from '../helpers/wait-for.js';

// The input watcher's debounce is 250 ms and its poll 5 s: a write it would take for a fix is acted on well within this.
const WATCHER_SETTLE_MS = 1_500;

let redis: RedisServer | null = null;
const dirs: Array<{ remove(): void }> = [];
const nodes: CronNode[] = [];

afterEach(async () => {
  nodes.splice(0);
  await cleanupDaemons();
  await redis?.stop();
  redis = null;
  for (const dir of dirs.splice(0)) dir.remove();
});

function node(name: string, redisUrl: string, options: Parameters<typeof startCronNode>[3] = {}): CronNode {
  const started = startCronNode(name, redisUrl, dirs, options);
  nodes.push(started);
  return started;
}

async function scrape(port: number): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`);
  return response.text();
}

function sample(text: string, series: string): number | null {
  const line = text.split('\n').find((each) => each.startsWith(`${series} `));
  return line === undefined ? null : Number(line.slice(series.length + 1));
}

const events = (each: CronNode, type: string): Array<Record<string, any>> => readJournal(each.daemon.statusDir).filter((event) => event.type === type);

describe('cron leader: metrics and journal', () => {
  it('clawsup_cron_* series per node, leadership changes journaled with both terms, no-quorum entered and left', async () => {
    redis = await startRedis();
    const ports = [await freePort(), await freePort()];
    const all = ['a', 'b'].map((name, i) => node(name, (redis as RedisServer).url, { config: { http: { listen: `127.0.0.1:${ports[i]}` } } }));
    const first = await waitForOneCronLeader(all, 'one leader');
    const follower = all.find((each) => each !== first.leader) as CronNode;
    const portOf = (each: CronNode): number => ports[all.indexOf(each)] as number;
    await waitFor('the metrics name the roles and the term', async () => {
      const [leaderText, followerText] = [await scrape(portOf(first.leader)), await scrape(portOf(follower))];
      return sample(leaderText, 'clawsup_cron_role{role="leader"}') === 1 && sample(followerText, 'clawsup_cron_role{role="follower"}') === 1 && sample(followerText, 'clawsup_cron_term') === first.term;
    }, 10_000);
    const leaderText = await scrape(portOf(first.leader));
    expect(sample(leaderText, 'clawsup_cron_role{role="follower"}')).toBe(0);
    expect(sample(leaderText, 'clawsup_cron_role{role="no-quorum"}')).toBe(0);
    expect(sample(leaderText, 'clawsup_cron_gateway_cron_on')).toBe(1);
    expect(sample(leaderText, 'clawsup_cron_term')).toBe(first.term);
    expect(sample(leaderText, 'clawsup_cron_lease_expiry_timestamp_seconds')).toBeGreaterThan(Date.now() / 1000 - 2);
    expect(sample(leaderText, 'clawsup_cron_leadership_changes_total')).toBeGreaterThanOrEqual(1);
    expect(sample(await scrape(portOf(follower)), 'clawsup_cron_gateway_cron_on')).toBe(0);
    const taken = events(first.leader, 'cron-leadership-changed').at(-1);
    expect(taken).toMatchObject({ role: 'leader', term: first.term, holder: first.leader.name });

    const stepDown = spawnSync(process.execPath, [CLAWCTL, '--config', first.leader.daemon.configPath, 'cron', 'step-down'], { encoding: 'utf8', timeout: 15_000 });
    expect(stepDown.status).toBe(0);
    const second = await waitForOneCronLeader(all, 'the other node leads');
    expect(second.leader).toBe(follower);
    await waitFor('the new leader journaled, with both terms', () => events(follower, 'cron-leadership-changed').some((event) => event.role === 'leader' && event.term === second.term), 5_000);
    expect(events(follower, 'cron-leadership-changed').find((event) => event.role === 'leader')).toMatchObject({ previousRole: 'follower', term: second.term, previousTerm: first.term, holder: follower.name, previousHolder: first.leader.name });
    await waitFor('the old leader journaled the new one', () => events(first.leader, 'cron-leadership-changed').some((event) => event.term === second.term), 5_000);
    expect(events(first.leader, 'cron-leadership-changed').find((event) => event.term === second.term)).toMatchObject({ role: 'follower', previousTerm: first.term, holder: follower.name });

    await redis.stop();
    await waitFor('both journaled no-quorum', () => all.every((each) => events(each, 'cron-no-quorum-entered').length === 1), 10_000);
    expect(events(follower, 'cron-no-quorum-entered')[0]).toMatchObject({ previousRole: 'leader', term: second.term, lastError: expect.stringMatching(/^redis: /) });
    await waitFor('the metrics say no-quorum, and the failed renewals', async () => {
      const text = await scrape(portOf(follower));
      return sample(text, 'clawsup_cron_role{role="no-quorum"}') === 1 && (sample(text, 'clawsup_cron_renew_failures_total') ?? 0) >= 1;
    }, 10_000);
    await redis.start();
    await waitForOneCronLeader(all, 'one leader once Redis is back');
    await waitFor('both journaled the end of no-quorum', () => all.every((each) => events(each, 'cron-no-quorum-left').length === 1), 10_000);
    expect(maxCronOnAtOnce(all.map((each) => each.recordPath))).toBe(1);
    const seqs = readJournal(follower.daemon.statusDir).map((event) => event.seq as number);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
  }, 60_000);
});

describe('cron leader: faults', () => {
  it('onRedisUnreachable keep-last-role: with Redis stopped the leader keeps cron on and says so with its risk; the follower stays off', async () => {
    redis = await startRedis();
    const all = ['a', 'b'].map((name) => node(name, (redis as RedisServer).url, { leader: { onRedisUnreachable: 'keep-last-role' } }));
    const { leader, term } = await waitForOneCronLeader(all, 'one leader');
    const follower = all.find((each) => each !== leader) as CronNode;
    await redis.stop();
    const warned = await leader.daemon.waitForLog('the leader says it keeps its role', (r) => r.msg?.startsWith('Redis unreachable: keeping the leader role') === true, 10_000);
    expect(warned).toMatchObject({ level: 'warn', term });
    await waitFor('the follower is no-quorum, cron off', () => readCronJson(follower.daemon.statusDir)?.role === 'no-quorum', 10_000);
    // Past two leases without Redis: nothing has changed.
    const since = Date.now();
    await waitFor('two leases without Redis', () => Date.now() - since > 2 * 1_200 && readCronJson(leader.daemon.statusDir)?.lastError !== null, 10_000);
    const kept = readCronJson(leader.daemon.statusDir);
    expect(kept).toMatchObject({ role: 'leader', term, isCronOn: true });
    expect(kept?.lastError).toMatch(/^redis: .*keep-last-role.*another node may lead too/);
    await leader.daemon.waitForStatus('status.json says so too', (status) => /keep-last-role/.test(status.cron?.lastError ?? ''), 10_000);
    expect(isRecordedCronOn(leader.recordPath)).toBe(true);
    expect(readCronRecords(leader.recordPath).filter((record) => !record.isCronOn && record.atMs > since)).toEqual([]);
    expect(isRecordedCronOn(follower.recordPath)).toBe(false);
    const shown = spawnSync(process.execPath, [CLAWCTL, '--config', leader.daemon.configPath, 'cron', 'status'], { encoding: 'utf8', timeout: 15_000 });
    expect(shown.stdout).toMatch(/keep-last-role/);
    const status = spawnSync(process.execPath, [CLAWCTL, '--config', leader.daemon.configPath, 'status'], { encoding: 'utf8', timeout: 15_000 });
    expect(status.stdout).toMatch(new RegExp(`^cron: leader, term ${term}, cron on here, .*keep-last-role`, 'm'));
    const followerStatus = spawnSync(process.execPath, [CLAWCTL, '--config', follower.daemon.configPath, 'status'], { encoding: 'utf8', timeout: 15_000 });
    expect(followerStatus.stdout).toMatch(/^cron: no-quorum \(Redis unreachable: nobody can know who leads\), cron off here; redis: /m);
    expect(maxCronOnAtOnce(all.map((each) => each.recordPath))).toBe(1);
    // The risk said: once Redis is back, the follower may reach it before the leader finds its lease gone, so the
    // two may overlap for the leader's reconnection; only the outage itself is held to one gateway with cron on.
    const backAtMs = Date.now();
    await redis.start();
    await waitForOneCronLeader(all, 'one leader once Redis is back');
    expect(maxCronOnAtOnce(all.map((each) => each.recordPath), backAtMs)).toBe(1);
  }, 60_000);

  it('a leader whose gateway fails into diagnose hands the lease over, and its own cron.enabled write does not take it out of diagnose', async () => {
    redis = await startRedis();
    const restart = { failureLimit: 1, initialDelayMs: 100 };
    const all = ['a', 'b'].map((name) => node(name, (redis as RedisServer).url, { config: { restart } }));
    const first = await waitForOneCronLeader(all, 'one leader');
    const other = all.find((each) => each !== first.leader) as CronNode;
    const gatewayPid = first.leader.daemon.status()?.gateway?.pid as number;
    const killedAtMs = Date.now();
    process.kill(gatewayPid, 'SIGKILL');
    // A SIGKILLed gateway cannot record that its cron stopped with it: the test does, at the kill.
    appendFileSync(first.leader.recordPath, `${JSON.stringify({ atMs: killedAtMs, pid: gatewayPid, isCronOn: false })}\n`);
    await first.leader.daemon.waitForStatus('diagnose', (status) => status.mode === 'diagnose', 10_000);
    // clawsup wrote cron.enabled false into the gateway's config as the gateway ended: a write of its own, not a fix.
    await waitFor('cron.enabled false in the config', () => JSON.parse(readFileSync(first.leader.openclawConfigPath, 'utf8')).cron.enabled === false, 5_000);
    const second = await waitForOneCronLeader([other], 'the other node leads', 10_000);
    expect(second.term).toBeGreaterThan(first.term);
    await waitFor('the node in diagnose follows', () => readCronJson(first.leader.daemon.statusDir)?.role === 'follower', 10_000);
    const flippedAtMs = Date.now();
    await waitFor('the watcher had its chance', () => Date.now() - flippedAtMs > WATCHER_SETTLE_MS, WATCHER_SETTLE_MS + 1_000);
    expect(first.leader.daemon.status()?.mode).toBe('diagnose');
    expect(first.leader.daemon.logs().filter((r) => JSON.stringify(r).includes('watched input changed'))).toEqual([]);
    // The operator's own edit of the same file is still a fix: a fresh attempt.
    const config = JSON.parse(readFileSync(first.leader.openclawConfigPath, 'utf8'));
    writeFileSync(first.leader.openclawConfigPath, JSON.stringify({ ...config, gateway: { ...config.gateway, port: 18790 } }));
    await first.leader.daemon.waitForStatus('out of diagnose after the operator\'s edit', (status) => status.mode !== 'diagnose', 10_000);
    expect(maxCronOnAtOnce(all.map((each) => each.recordPath))).toBe(1);
  }, 60_000);
});

const JOB = { id: 'digest', name: 'daily digest', enabled: true, schedule: { kind: 'cron', expr: '0 8 * * *' }, payload: { kind: 'agentTurn', message: 'digest' } };

/** A node whose gateway answers cron.list with these jobs (the fake gateway's RPC, with a token). */
async function jobsNode(name: string, redisUrl: string, jobs: unknown[]): Promise<Daemon> {
  const temp = makeTempDir('cs-cronjobs-');
  dirs.push(temp);
  const port = await freePort();
  return startDaemon({
    dir: temp.path,
    env: { CLAWSUP_NODE_NAME: name },
    config: {
      gateway: {
        command: [process.execPath, join(FIXTURES, 'fake-gateway.mjs'), '--port', String(port), '--startup-ms', '100'],
        env: { OPENCLAW_GATEWAY_TOKEN: `token-${name}`, FAKE_CRON_JOBS: JSON.stringify(jobs) },
        openclawConfigPath: join(temp.path, 'openclaw.json'),
      },
      health: { url: `http://127.0.0.1:${port}/healthz` },
      cron: { leader: { enabled: true, redisUrl, leaseMs: 3_000, connectTimeoutMs: 300 } },
    },
  });
}

describe('cron leader: the jobs of each node against the leader\'s', () => {
  it('the leader publishes its jobs hash; a follower with other jobs says so (cron-jobs-differ), one with the same does not', async () => {
    redis = await startRedis();
    const first = await jobsNode('a', redis.url, [JOB]);
    await first.waitForStatus('a leads, its jobs read', (status) => status.cron?.role === 'leader' && status.cron.jobs?.isSameAsLeader === true, 15_000);
    const same = await jobsNode('b', redis.url, [{ ...JOB, state: { nextRunAtMs: 1 } }]);
    const other = await jobsNode('c', redis.url, [{ ...JOB, schedule: { kind: 'cron', expr: '0 9 * * *' } }]);
    const differs = await other.waitForStatus('c sees that its jobs differ', (status) => status.cron?.jobs?.isSameAsLeader === false && (status.reasons as string[]).includes('cron-jobs-differ'), 15_000);
    const leaderHash = (first.status()?.cron?.jobs?.definitionsHash) as string;
    expect(differs.cron.jobs).toMatchObject({ count: 1, leaderDefinitionsHash: leaderHash });
    expect(differs.cron.jobs.definitionsHash).not.toBe(leaderHash);
    expect(differs.mode).toBe('degraded');
    // Run state is not a definition: b has the leader's jobs.
    const alike = await same.waitForStatus('b compared with the leader', (status) => status.cron?.jobs?.isSameAsLeader !== null && status.cron?.jobs !== null, 15_000);
    expect(alike.cron.jobs).toMatchObject({ isSameAsLeader: true, definitionsHash: leaderHash, leaderDefinitionsHash: leaderHash });
    expect(alike.reasons).not.toContain('cron-jobs-differ');
    const shown = spawnSync(process.execPath, [CLAWCTL, '--config', other.configPath, 'cron', 'status'], { encoding: 'utf8', timeout: 15_000 });
    expect(shown.stdout).toContain(`DIFFERENT from the leader's ${leaderHash}`);
    expect(other.logs().filter((r) => r.msg?.startsWith('this gateway\'s cron jobs differ from the leader\'s'))).toHaveLength(1);
  }, 60_000);
});

import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { killClawctls, startClawctl } from '../helpers/clawctl-process.js';
import { runClawctl } from '../helpers/control.js';
import { cleanupDaemons, FIXTURES, startDaemon, type Daemon } from '../helpers/daemon.js';
import { makeTempDir, removeLiveDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

const node = process.execPath;
const isRoot = process.getuid?.() === 0;
const forever = [node, join(FIXTURES, 'forever.mjs')];
const fastRestart = { initialDelayMs: 100, multiplier: 2, maxDelayMs: 1_000, minUptimeMs: 500 };

afterEach(async () => {
  await killClawctls();
  await cleanupDaemons();
});

type Event = Record<string, any> & { seq: number; at: string; type: string };

/** events.ndjson's whole lines as events; a line that is not one is left out (the reader's job is tested elsewhere). */
function readEvents(statusDir: string): Event[] {
  let text = '';
  try {
    text = readFileSync(join(statusDir, 'events.ndjson'), 'utf8');
  } catch {
    return [];
  }
  return text.split('\n').flatMap((line) => {
    try {
      return [JSON.parse(line) as Event];
    } catch {
      return [];
    }
  });
}

const waitForEvent = (daemon: Daemon, what: string, predicate: (event: Event) => boolean, timeoutMs = 15_000): Promise<Event> =>
  waitFor(`event: ${what}`, () => readEvents(daemon.statusDir).find(predicate), timeoutMs);

function expectConsecutive(events: readonly Event[]): void {
  const seqs = events.map((event) => event.seq);
  expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => (seqs[0] ?? 0) + i));
}

describe('the event journal of a running clawsupd', () => {
  it('tells a crash loop into diagnose as exits, restarts and the diagnose entry, with consecutive seq', async () => {
    const daemon = startDaemon({ config: { gateway: { command: [node, join(FIXTURES, 'crash-after.mjs'), '200'] }, restart: fastRestart } });
    await waitForEvent(daemon, 'diagnose-entered', (event) => event.type === 'diagnose-entered');
    const events = readEvents(daemon.statusDir);
    expectConsecutive(events);
    expect(events[0]).toMatchObject({ seq: 1, type: 'daemon-started', pid: daemon.pid });
    for (const event of events) expect(Date.parse(event.at)).not.toBeNaN();
    const story = events.filter((event) => event.type !== 'mode-changed').map((event) => event.type);
    expect(story).toEqual([
      'daemon-started',
      'gateway-started', 'gateway-exited',
      'gateway-restarted', 'gateway-exited',
      'gateway-restarted', 'gateway-exited',
      'diagnose-entered',
    ]);
    expect(events.find((event) => event.type === 'gateway-exited')).toMatchObject({ code: 1, signal: null, class: 'transient', reason: 'crash' });
    expect(events.find((event) => event.type === 'diagnose-entered')).toMatchObject({ reason: 'crash', trigger: 'failure-limit', hint: expect.any(String) });
    expect(events.filter((event) => event.type === 'mode-changed').at(-1)).toMatchObject({ from: 'healthy', to: 'diagnose' });

    expect(await runClawctl(['--config', daemon.configPath, 'resume'])).toMatchObject({ code: 0 });
    await waitForEvent(daemon, 'diagnose-left', (event) => event.type === 'diagnose-left');
  });

  it('journals hold and release, a skill run, and follows new events with clawctl events -f', async () => {
    const daemon = startDaemon({ config: { gateway: { command: forever }, skills: { backup: { maxAgeMs: 3_600_000 } } } });
    await waitForEvent(daemon, 'gateway-started', (event) => event.type === 'gateway-started');
    const follow = startClawctl(['--config', daemon.configPath, 'events', '-f', '--type', 'held,released', '--type', 'skill-finished']);
    // The subscription is open once clawctl has read the files a second time; a stop right away must still be seen.
    expect(await runClawctl(['--config', daemon.configPath, 'stop'])).toMatchObject({ code: 0 });
    await follow.waitForStdout('held', (out) => / held +from=stopping/.test(out));
    expect(await runClawctl(['--config', daemon.configPath, 'start'])).toMatchObject({ code: 0 });
    await follow.waitForStdout('released', (out) => / released +to=starting/.test(out));
    const skill = await runClawctl(['--config', daemon.configPath, 'skill', 'run', 'backup', '--', node, '-e', 'process.exit(3)']);
    expect(skill.code).not.toBe(0);
    await follow.waitForStdout('the skill outcome', (out) => / skill-finished +skill=backup {2}status=failure {2}exitCode=3/.test(out));
    // Each event once, in seq order, and only the types asked for.
    const lines = follow.stdout().trim().split('\n');
    expect(lines.map((line) => line.split(/ +/)[2])).toEqual(['held', 'released', 'skill-finished']);
    const seqs = lines.map((line) => Number(line.split(/ +/)[1]?.slice(1)));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(await follow.stop('SIGINT')).toEqual({ code: 0, signal: null });
  });

  it('after a SIGKILL that cut a line short, the next clawsupd goes on with the next seq on a line of its own; readers skip the fragment', async () => {
    const first = startDaemon({ config: { gateway: { command: forever } } });
    const started = await waitForEvent(first, 'gateway-started', (event) => event.type === 'gateway-started');
    first.child.kill('SIGKILL');
    await first.exited;
    const lastSeq = Math.max(...readEvents(first.statusDir).map((event) => event.seq));
    // What the kill would leave had it landed mid-write.
    appendFileSync(join(first.statusDir, 'events.ndjson'), '{"seq":999,"at":"2026-');

    const second = startDaemon({ config: { gateway: { command: forever } }, dir: first.dir });
    const restarted = await waitForEvent(second, 'the second daemon-started', (event) => event.type === 'daemon-started' && event.pid === second.pid);
    expect(restarted.seq).toBe(lastSeq + 1);
    await waitForEvent(second, 'the new gateway', (event) => event.type === 'gateway-started' && event.pid !== started.pid);
    const read = await runClawctl(['--config', second.configPath, 'events', '--json']);
    expect(read.code).toBe(0);
    expect(read.stderr).toMatch(/events\.ndjson:\d+: skipped a line that is not a whole event/);
    const events = read.stdout.trim().split('\n').map((line) => JSON.parse(line) as Event);
    expectConsecutive(events);
    expect(events.filter((event) => event.type === 'daemon-started').map((event) => event.pid)).toEqual([first.pid, second.pid]);
  });

  it('after the status dir was removed, writes the journal again where the path now leads, seq going on', async () => {
    const daemon = startDaemon({ config: { gateway: { command: forever } } });
    const started = await waitForEvent(daemon, 'gateway-started', (event) => event.type === 'gateway-started');
    removeLiveDir(daemon.statusDir);
    await daemon.waitForLog('the lock claimed again', (r) => r.msg === 'instance lock was removed: claimed it again');
    expect(await runClawctl(['--config', daemon.configPath, 'stop'])).toMatchObject({ code: 0 });
    const held = await waitForEvent(daemon, 'held in the new journal', (event) => event.type === 'held');
    expect(held.seq).toBeGreaterThan(started.seq);
  });

  it('clawctl events reads the files with the daemon down: --since, --type, --json, the text table, and clear refusals', async () => {
    const daemon = startDaemon({ config: { gateway: { command: [node, join(FIXTURES, 'exit-with.mjs'), '78', '0', 'Missing config'] } } });
    await waitForEvent(daemon, 'diagnose-entered', (event) => event.type === 'diagnose-entered');
    await daemon.stop();
    const ctl = (...args: string[]) => runClawctl(['--config', daemon.configPath, 'events', ...args]);

    const json = await ctl('--since', '1h', '--type', 'gateway-exited,diagnose-entered', '--json');
    expect(json).toMatchObject({ code: 0, stderr: '' });
    const events = json.stdout.trim().split('\n').map((line) => JSON.parse(line) as Event);
    expect(events.map((event) => event.type)).toEqual(['gateway-exited', 'diagnose-entered']);
    expect(events[0]).toMatchObject({ code: 78, class: 'structural', reason: 'config-invalid' });

    const all = await ctl();
    expect(all.code).toBe(0);
    expect(all.stdout).toMatch(/^\S+Z {2}#1 +daemon-started +pid=\d+/);
    expect(all.stdout).toMatch(/ mode-changed +from=diagnose {2}to=stopped/);

    expect(await ctl('--since', new Date(Date.now() + 60_000).toISOString())).toMatchObject({ code: 0, stdout: '' });
    expect(await ctl('--since', 'yesterday')).toMatchObject({ code: 64, stderr: expect.stringContaining('--since takes 45s, 30m, 2h, 7d or an ISO 8601 time') });
    const follow = await ctl('-f');
    expect(follow.code).toBe(69);
    expect(follow.stdout).toContain('diagnose-entered');

    const elsewhere = join(daemon.dir, 'elsewhere.json5');
    writeFileSync(elsewhere, JSON.stringify({ gateway: { command: ['x'] }, status: { dir: join(daemon.dir, 'never-run') } }));
    const missing = await runClawctl(['--config', elsewhere, 'events']);
    expect(missing).toMatchObject({ code: 66, stdout: '' });
    expect(missing.stderr).toBe(`clawctl: ${join(daemon.dir, 'never-run')}: cannot read the event journal: ENOENT (no such status dir: has clawsupd run with this config?)\n`);
  });
});

describe.skipIf(!isRoot)('the event journal on a full disk (root: a 64 KiB tmpfs as status.dir)', () => {
  const temp = makeTempDir('cs-evfull-');
  const statusDir = join(temp.path, 'status');
  beforeAll(() => {
    mkdirSync(statusDir);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k,mode=0700', 'tmpfs', statusDir]);
  });
  afterAll(() => {
    execFileSync('umount', ['-l', statusDir]);
    temp.remove();
  });

  it('drops and counts events, says so once, keeps answering, and writes again when space is back', async () => {
    const daemon = startDaemon({ config: { gateway: { command: forever }, status: { dir: statusDir } }, dir: temp.path });
    await waitForEvent(daemon, 'gateway-started', (event) => event.type === 'gateway-started');
    const filler = join(statusDir, 'filler');
    try {
      execFileSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=4k', 'count=64'], { stdio: 'ignore' });
    } catch {
      // dd stops at ENOSPC, which is the point.
    }
    // tmpfs still takes lines into the journal's last page: restart until a line needs a page the disk has not got.
    const isDropMessage = (r: Record<string, unknown>): boolean => r.msg === 'cannot write the event journal: dropping events until it can';
    for (let restarts = 1; restarts <= 40 && !daemon.logs().some(isDropMessage); restarts += 1) {
      expect(await runClawctl(['--config', daemon.configPath, 'restart'])).toMatchObject({ code: 0 });
      await daemon.waitForLog(`restart ${restarts} done`, (r) => r.msg === 'gateway started' && r.restarts === restarts);
    }
    const dropping = await daemon.waitForLog('the journal saying it drops', isDropMessage, 1_000);
    // More events into the full disk: still said only once.
    expect(await runClawctl(['--config', daemon.configPath, 'restart'])).toMatchObject({ code: 0 });
    expect(dropping.err).toMatchObject({ code: 'ENOSPC' });
    expect(daemon.logs().filter((r) => r.msg === dropping.msg)).toHaveLength(1);
    expect(await runClawctl(['--socket', daemon.socketPath, 'status', '--json'])).toMatchObject({ code: 0 });

    unlinkSync(filler);
    expect(await runClawctl(['--config', daemon.configPath, 'stop'])).toMatchObject({ code: 0 });
    const resumed = await daemon.waitForLog('the journal written again', (r) => r.msg === 'event journal written again');
    expect(resumed.droppedEvents).toBeGreaterThan(0);
    await waitForEvent(daemon, 'held, after the space came back', (event) => event.type === 'held');
    // The events the disk refused are gaps in seq, exactly as many as were counted; at most the one line the disk filled in is cut.
    const events = readEvents(statusDir);
    const missing = events.slice(1).reduce((sum, event, i) => sum + event.seq - (events[i] as Event).seq - 1, 0);
    expect(missing).toBe(resumed.droppedEvents);
    const text = readFileSync(join(statusDir, 'events.ndjson'), 'utf8');
    expect(text.split('\n').filter((line) => line !== '').length - events.length).toBeLessThanOrEqual(1);
  });
});

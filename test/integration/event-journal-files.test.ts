import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openEventJournal, type EventJournalOptions } from '../../src/events/event-journal.js';
import { JOURNAL_KEEP_MS } from '../../src/events/journal-event.js';
import { readJournal } from '../../src/events/read-journal.js';
import { REPO_ROOT } from '../helpers/daemon.js';
import { makeTempDir } from '../helpers/temp-dir.js';

let temp: { path: string; remove(): void };
beforeEach(() => {
  temp = makeTempDir('cs-events-');
});
afterEach(() => temp.remove());

const silent = pino({ level: 'silent' });

function open(overrides: Partial<EventJournalOptions> = {}) {
  return openEventJournal({ dir: temp.path, maxBytes: 1024 * 1024, maxFiles: 10, log: silent, fileMode: 0o640, groupId: null, ...overrides });
}

const journalFiles = (): string[] => readdirSync(temp.path).filter((name) => name.startsWith('events.ndjson')).sort();
const seqs = (): number[] => readJournal(temp.path).events.map((event) => event.seq);

describe('the event journal on disk', () => {
  it('writes one line per event with seq, at and type (0640), and the fields cannot overwrite them', () => {
    const journal = open({ nowMs: () => Date.parse('2026-12-01T06:00:00.000Z') });
    journal.append('held', { from: 'healthy', seq: 99, type: 'forged' });
    journal.append('released', { to: 'starting' });
    journal.close();
    const path = join(temp.path, 'events.ndjson');
    expect(readFileSync(path, 'utf8')).toBe(
      '{"seq":1,"at":"2026-12-01T06:00:00.000Z","type":"held","from":"healthy"}\n{"seq":2,"at":"2026-12-01T06:00:00.000Z","type":"released","to":"starting"}\n',
    );
    expect(statSync(path).mode & 0o777).toBe(0o640);
  });

  it('sets no timer while idle: one sync a second after a write, none after it', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    try {
      const journal = open();
      expect(vi.getTimerCount()).toBe(0);
      journal.append('held');
      journal.append('released');
      expect(vi.getTimerCount()).toBe(1);
      vi.advanceTimersByTime(1_000);
      expect(vi.getTimerCount()).toBe(0);
      journal.close();
    } finally {
      vi.useRealTimers();
    }
  });

  it('writes the next event where the path now leads once the file was moved away', () => {
    const journal = open();
    journal.append('held');
    renameSync(join(temp.path, 'events.ndjson'), join(temp.path, 'moved.ndjson'));
    journal.append('released');
    journal.close();
    expect(readFileSync(join(temp.path, 'moved.ndjson'), 'utf8')).toContain('"type":"held"');
    expect(readFileSync(join(temp.path, 'events.ndjson'), 'utf8')).toMatch(/^\{"seq":2,.*"type":"released"\}\n$/);
  });

  it('gives the file to control.group when one is set, so its members can read the journal', () => {
    // A group other than our own where we may (root): a chown to the group we already have would prove nothing.
    const groupId = process.getuid?.() === 0 ? 65534 : (process.getgid?.() ?? 0);
    const journal = open({ groupId });
    journal.append('held');
    journal.close();
    expect(statSync(join(temp.path, 'events.ndjson'))).toMatchObject({ gid: groupId });
  });

  it('continues the seq of the last run, and after a crash cut a line short starts a new line: readers skip only the fragment', () => {
    const first = open();
    first.append('a');
    first.append('b');
    first.close();
    // What a crash mid-write would leave: part of a line, no newline.
    appendFileSync(join(temp.path, 'events.ndjson'), '{"seq":3,"at":"2026-12-01T0');
    const second = open();
    expect(second.lastSeq()).toBe(2);
    second.append('c');
    second.close();
    const read = readJournal(temp.path);
    expect(read.events.map((event) => [event.seq, event.type])).toEqual([[1, 'a'], [2, 'b'], [3, 'c']]);
    expect(read.skipped).toEqual([{ path: join(temp.path, 'events.ndjson'), line: 3 }]);
  });

  it('finds the last seq at the end of a large file, past a long damaged tail', () => {
    const lines = Array.from({ length: 2_000 }, (_, i) => `{"seq":${i + 1},"at":"2026-12-01T06:00:00.000Z","type":"tick","padding":"${'x'.repeat(60)}"}\n`);
    writeFileSync(join(temp.path, 'events.ndjson'), `${lines.join('')}${'#'.repeat(100 * 1024)}\n${'{"seq":'.repeat(10)}`);
    const journal = open({ maxBytes: 1024 * 1024 * 1024 });
    expect(journal.lastSeq()).toBe(2_000);
    journal.append('next');
    journal.close();
    expect(readJournal(temp.path).events.at(-1)).toMatchObject({ seq: 2_001, type: 'next' });
  });

  it('finds the last seq in the newest rotated file when events.ndjson has none', () => {
    writeFileSync(join(temp.path, 'events.ndjson.1'), '{"seq":41,"at":"2026-12-01T06:00:00.000Z","type":"a"}\n');
    writeFileSync(join(temp.path, 'events.ndjson'), '');
    const journal = open();
    journal.append('b');
    journal.close();
    expect(seqs()).toEqual([41, 42]);
  });

  it('rotates at maxBytes and keeps every file with an event of the last 24 hours, past maxFiles; older files go down to maxFiles', () => {
    let nowMs = Date.now();
    const journal = open({ maxBytes: 1024, maxFiles: 3, nowMs: () => nowMs });
    for (let i = 0; i < 60; i += 1) journal.append('tick', { i, padding: 'x'.repeat(100) });
    const young = journalFiles();
    expect(young.length).toBeGreaterThan(3);
    for (const name of young) expect(statSync(join(temp.path, name)).size).toBeLessThanOrEqual(1024);
    expect(seqs()).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));

    // A day later by the journal's clock: the files written "now" are past the 24 hours, so the bound holds again.
    nowMs += JOURNAL_KEEP_MS + 60_000;
    for (let i = 0; i < 20; i += 1) journal.append('tock', { i, padding: 'x'.repeat(100) });
    journal.close();
    expect(journalFiles().length).toBeLessThanOrEqual(3);
    const kept = seqs();
    expect(kept.at(-1)).toBe(80);
    expect(kept).toEqual(Array.from({ length: kept.length }, (_, i) => 81 - kept.length + i));
  });

  it('with a since, does not read the files last written before it', () => {
    const old = join(temp.path, 'events.ndjson.1');
    writeFileSync(old, '{"seq":1,"at":"2026-11-01T06:00:00.000Z","type":"old"}\nnot an event\n');
    const threeDaysAgo = new Date(Date.now() - 3 * 86_400_000);
    utimesSync(old, threeDaysAgo, threeDaysAgo);
    writeFileSync(join(temp.path, 'events.ndjson'), `{"seq":2,"at":"${new Date().toISOString()}","type":"new"}\n`);
    expect(readJournal(temp.path, Date.now() - 3_600_000)).toMatchObject({ events: [{ seq: 2, type: 'new' }], skipped: [] });
    expect(readJournal(temp.path).events.map((event) => event.type)).toEqual(['old', 'new']);
  });

  it('tells listeners of each event, numbered, even when the disk did not take it, and of each drop', () => {
    const journal = open();
    const heard: unknown[] = [];
    const health: unknown[] = [];
    journal.onEvent((event) => heard.push(event));
    journal.onHealthChange((value) => health.push(value));
    journal.close();
    journal.append('after-close', { x: 1 });
    journal.append('after-close', { x: 2 });
    expect(heard).toEqual([expect.objectContaining({ seq: 1, type: 'after-close', x: 1 }), expect.objectContaining({ seq: 2, x: 2 })]);
    expect(health).toEqual([
      { droppedEvents: 1, lastError: 'the journal is closed', isFailing: true },
      { droppedEvents: 2, lastError: 'the journal is closed', isFailing: true },
    ]);
  });

  it('says once, in the log, that it drops events, and on closing how many it dropped while still failing', () => {
    const lines: Array<Record<string, unknown>> = [];
    const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
    // A folder where the file should be: every open fails, as a disk that refuses would.
    mkdirSync(join(temp.path, 'events.ndjson'));
    const journal = open({ log });
    journal.append('a');
    journal.append('b');
    journal.close();
    expect(lines.map((line) => line.msg)).toEqual(['cannot write the event journal: dropping events until it can', 'event journal closed while failing: events dropped']);
    expect(lines[0]).toMatchObject({ level: 40, component: 'events', err: { code: 'EISDIR' } });
    expect(lines[1]).toMatchObject({ droppedEvents: 2, lastError: 'EISDIR' });
  });

  it('a reader while another process rotates the journal again and again misses no event', async () => {
    const writer = spawn(process.execPath, ['--input-type=module', '-e', `
      import pino from 'pino';
      import { openEventJournal } from ${JSON.stringify(join(REPO_ROOT, 'dist/events/event-journal.js'))};
      const journal = openEventJournal({ dir: ${JSON.stringify(temp.path)}, maxBytes: 4096, maxFiles: 2, log: pino({ level: 'silent' }), fileMode: 0o640, groupId: null });
      let i = 0;
      const next = () => {
        if (i === 4000) { journal.close(); process.stdout.write('done'); return; }
        journal.append('tick', { i: i++, padding: 'x'.repeat(60) });
        setImmediate(next);
      };
      next();
    `], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    const ended = new Promise<number | null>((resolve) => writer.once('exit', resolve));
    let isDone = false;
    writer.stdout.on('data', () => (isDone = true));
    let settledReads = 0;
    try {
      while (!isDone) {
        const read = readJournal(temp.path);
        if (read.isUnsettled) continue;
        settledReads += 1;
        const seen = read.events.map((event) => event.seq);
        // Every event written so far is there: 1..n, no gap, no double.
        expect(seen).toEqual(Array.from({ length: seen.length }, (_, i) => i + 1));
        await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      if (writer.exitCode === null) writer.kill('SIGKILL');
      await ended;
    }
    expect(settledReads).toBeGreaterThan(5);
    expect(journalFiles().length).toBeGreaterThan(2);
    expect(seqs()).toEqual(Array.from({ length: 4000 }, (_, i) => i + 1));
  }, 60_000);
});

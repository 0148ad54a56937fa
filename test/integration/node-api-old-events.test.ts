import { execFileSync } from 'node:child_process';
import { appendFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeEvent, type JournalEvent } from '../../src/events/journal-event.js';
import { readJournal } from '../../src/events/read-journal.js';
import { selectRecentEvents } from '../../src/node-api/node-view.js';
import { readRecentEventsYielding } from '../../src/node-api/read-events-yielding.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const NOW_MS = Date.now();
const HOUR_MS = 3_600_000;
const temps: Array<{ remove(): void }> = [];

afterEach(() => {
  for (const temp of temps.splice(0)) temp.remove();
});

const event = (seq: number, hoursAgo: number): JournalEvent => ({ seq, at: new Date(NOW_MS - hoursAgo * HOUR_MS).toISOString(), type: 'mode-changed', to: 'healthy' });
const lines = (events: JournalEvent[]): string => events.map(encodeEvent).join('');

describe('events older than the cached day, read in slices', () => {
  it('reads what readJournal reads: lines that are not JSON, a 2 MiB line, a torn last line, a link and a FIFO among the files', async () => {
    const temp = makeTempDir();
    temps.push(temp);
    const dir = temp.path;
    const old = Array.from({ length: 3000 }, (_, i) => event(i + 1, 100 - i * 0.01));
    writeFileSync(join(dir, 'events.ndjson.2'), `${lines(old.slice(0, 1500))}not json at all\n{"seq":"x"}\n${'y'.repeat(2 * 1024 * 1024)}\n`);
    writeFileSync(join(dir, 'events.ndjson.1'), `${lines(old.slice(1500))}{"seq":99999,"at":"2026-`);
    writeFileSync(join(dir, 'events.ndjson'), lines([event(3001, 1), event(3002, 0.5)]));
    // Not the journal's files: a link to elsewhere and a FIFO would block a reader that opened them.
    writeFileSync(join(dir, 'elsewhere'), lines([event(5000, 2)]));
    symlinkSync(join(dir, 'elsewhere'), join(dir, 'events.ndjson.3'));
    execFileSync('mkfifo', [join(dir, 'events.ndjson.4')]);
    appendFileSync(join(dir, 'events.ndjson'), '');
    for (const [sinceHours, limit] of [[200, 10_000], [72, 10_000], [200, 100], [200, 1]] as const) {
      const sinceMs = NOW_MS - sinceHours * HOUR_MS;
      const expected = selectRecentEvents(readJournal(dir, sinceMs).events, sinceMs, limit);
      const read = await readRecentEventsYielding(dir, sinceMs, limit);
      expect(read.omitted, `since ${sinceHours} h, limit ${limit}`).toBe(expected.omitted);
      expect(read.events).toEqual(expected.events);
    }
    expect((await readRecentEventsYielding(dir, NOW_MS - 200 * HOUR_MS, 10_000)).events).toHaveLength(3002);
  });

  it('reads nothing, and throws nothing, when the status dir is gone', async () => {
    expect(await readRecentEventsYielding('/nonexistent/clawsup-status', 0, 10)).toEqual({ events: [], omitted: 0 });
  });
});

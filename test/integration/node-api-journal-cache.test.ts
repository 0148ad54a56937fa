import { appendFileSync, renameSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeEvent, type JournalEvent } from '../../src/events/journal-event.js';
import { readJournal } from '../../src/events/read-journal.js';
import { createJournalCache } from '../../src/node-api/journal-cache.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const NOW_MS = Date.parse('2026-12-01T12:00:00Z');
const HOUR_MS = 3_600_000;
const temps: Array<{ remove(): void }> = [];

afterEach(() => {
  for (const temp of temps.splice(0)) temp.remove();
});

function tempDir(): string {
  const temp = makeTempDir();
  temps.push(temp);
  return temp.path;
}

const event = (seq: number, hoursAgo: number, extra: Record<string, unknown> = {}): JournalEvent => ({ seq, at: new Date(NOW_MS - hoursAgo * HOUR_MS).toISOString(), type: 'mode-changed', ...extra });
const lines = (...events: JournalEvent[]): string => events.map(encodeEvent).join('');
const seqs = (events: readonly JournalEvent[]): number[] => events.map((each) => each.seq);

describe('the node API journal cache', () => {
  it('reads what readJournal reads, through appends, a line written in two parts, a rotation and a rewrite', () => {
    const dir = tempDir();
    const cache = createJournalCache(dir, 48 * HOUR_MS);
    const file = join(dir, 'events.ndjson');
    const agree = (): number[] => {
      const cached = cache.readEvents(NOW_MS);
      expect(cached).toEqual(readJournal(dir).events);
      return seqs(cached);
    };
    expect(agree()).toEqual([]);
    writeFileSync(file, lines(event(1, 3), event(2, 2)));
    expect(agree()).toEqual([1, 2]);
    // Half a line, with a character of two bytes cut in the middle: nothing yet, then the whole event.
    const third = encodeEvent(event(3, 1, { reason: 'café' }));
    const cut = Buffer.from(third).indexOf(Buffer.from('é')) + 1;
    appendFileSync(file, Buffer.from(third).subarray(0, cut));
    expect(seqs(cache.readEvents(NOW_MS))).toEqual([1, 2]);
    appendFileSync(file, Buffer.from(third).subarray(cut));
    expect(agree()).toEqual([1, 2, 3]);
    expect(cache.readEvents(NOW_MS)[2]?.reason).toBe('café');
    // Rotation: the file is renamed (same inode) and a new one begins.
    renameSync(file, join(dir, 'events.ndjson.1'));
    writeFileSync(file, lines(event(4, 0.5)));
    expect(agree()).toEqual([1, 2, 3, 4]);
    appendFileSync(file, lines(event(5, 0.4)) + 'not an event\n' + lines(event(6, 0.3)));
    expect(agree()).toEqual([1, 2, 3, 4, 5, 6]);
    // The oldest file removed, the current one rewritten shorter: read again whole.
    unlinkSync(join(dir, 'events.ndjson.1'));
    writeFileSync(file, lines(event(7, 0.2)));
    expect(agree()).toEqual([7]);
  });

  it('reads no events, and throws nothing, while the status dir is gone', () => {
    const cache = createJournalCache(join(tempDir(), 'removed'), HOUR_MS);
    expect(cache.readEvents(NOW_MS)).toEqual([]);
  });

  it('holds only the window: older events are left out, and a file last written before it is not read', () => {
    const dir = tempDir();
    const cache = createJournalCache(dir, 24 * HOUR_MS);
    writeFileSync(join(dir, 'events.ndjson.1'), lines(event(1, 50), event(2, 49)));
    const old = new Date(NOW_MS - 49 * HOUR_MS);
    utimesSync(join(dir, 'events.ndjson.1'), old, old);
    writeFileSync(join(dir, 'events.ndjson'), lines(event(3, 30), event(4, 23), event(5, 1)));
    expect(seqs(cache.readEvents(NOW_MS))).toEqual([4, 5]);
    // Later, the window has moved on: event 4 is out too.
    expect(seqs(cache.readEvents(NOW_MS + 2 * HOUR_MS))).toEqual([5]);
  });
});

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createInputWatcher, noteOwnWrite, type InputWatcher } from '../../src/daemon/input-watcher.js';
import { writeFileAtomic } from '../../src/status/atomic-file.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

const temps: Array<{ remove(): void }> = [];
const watchers: InputWatcher[] = [];
afterEach(() => {
  for (const watcher of watchers.splice(0)) watcher.close();
  for (const temp of temps.splice(0)) temp.remove();
});

describe('the diagnose input watcher and clawsup\'s own writes', () => {
  it('does not report a file this process replaced and noted as its own; a later write by anyone else it does', async () => {
    const temp = makeTempDir('cs-watch-');
    temps.push(temp);
    const [own, other] = [join(temp.path, 'openclaw.json'), join(temp.path, 'clawsup.json')];
    writeFileSync(own, '{"cron":{"enabled":true}}');
    writeFileSync(other, '{}');
    const changes: string[] = [];
    const watcher = createInputWatcher((path) => changes.push(path));
    watchers.push(watcher);
    watcher.setPaths([own, other]);

    // As the cron switch does: an atomic replace, then the note. The other file changes after it, by someone else.
    writeFileAtomic(own, '{"cron":{"enabled":false}}', { mode: 0o600, isDurable: false });
    noteOwnWrite(own);
    writeFileSync(other, '{"edited":true}');
    // Both changes are checked after the same debounce, the own one first: once the other is seen, so was it.
    await waitFor('the other file reported', () => changes.includes(other), 10_000);
    expect(changes).toEqual([other]);

    writeFileSync(own, '{"cron":{"enabled":false},"gateway":{"port":1}}');
    await waitFor('the operator\'s edit of the same file reported', () => changes.includes(own), 10_000);
    expect(changes).toEqual([other, own]);
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createAlertDelivery, type DeliverySettings } from '../../src/alerts/alert-delivery.js';
import type { PostOutcome } from '../../src/alerts/alert-post.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

const temps: Array<{ remove(): void }> = [];
afterEach(() => temps.splice(0).forEach((t) => t.remove()));

function recordingLog(): { log: pino.Logger; records: Array<Record<string, any>> } {
  const records: Array<Record<string, any>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) records.push(JSON.parse(line));
      done();
    },
  });
  return { log: pino({ level: 'debug' }, stream), records };
}

const SETTINGS: DeliverySettings = { timeoutMs: 1_000, retryInitialDelayMs: 60_000, retryMaxDelayMs: 60_000, outboxMaxMessages: 3 };

describe('alert delivery', () => {
  it('keeps at most outboxMaxMessages undelivered, drops the oldest, says how many and keeps the count in the file', async () => {
    const temp = makeTempDir('cs-alert-');
    temps.push(temp);
    const outboxPath = join(temp.path, 'alerts-outbox.json');
    const { log, records } = recordingLog();
    const posts: string[] = [];
    const delivery = createAlertDelivery({
      outboxPath,
      log,
      settings: () => SETTINGS,
      resolveUrl: () => new URL('http://127.0.0.1:1/hook'),
      post: async (_url, body): Promise<PostOutcome> => {
        posts.push(body);
        return { ok: false, error: 'ECONNREFUSED' };
      },
    });
    for (let i = 1; i <= 5; i += 1) delivery.enqueue('webhook:0:json', `{"n":${i}}`, `alert-${i} firing`);
    await waitFor('the first attempt', () => posts.length >= 1);
    await delivery.close();
    const saved = JSON.parse(readFileSync(outboxPath, 'utf8'));
    expect(saved.dropped).toBe(2);
    expect(saved.messages.map((m: { label: string }) => m.label)).toEqual(['alert-3 firing', 'alert-4 firing', 'alert-5 firing']);
    const dropped = records.filter((r) => r.msg === 'alert outbox full: oldest undelivered messages dropped');
    expect(dropped.map((r) => r.dropped)).toEqual([1, 1]);
    expect(dropped.at(-1)?.droppedTotal).toBe(2);
    // Sent after the caller's turn, so the oldest kept goes first; one attempt only: the retry is a minute away, and
    // one target's messages go one at a time, in order.
    expect(posts).toEqual(['{"n":3}']);
  });

  it('logs the retry delay it scheduled, however the clock moves while it logs', async () => {
    const temp = makeTempDir('cs-alert-');
    temps.push(temp);
    const { log, records } = recordingLog();
    let clockMs = 1_000_000;
    const delivery = createAlertDelivery({
      outboxPath: join(temp.path, 'alerts-outbox.json'),
      log,
      settings: () => SETTINGS,
      resolveUrl: () => new URL('http://127.0.0.1:1/hook'),
      post: async (): Promise<PostOutcome> => ({ ok: false, error: 'answered HTTP 500' }),
      // Each reading is a millisecond later, as on a busy machine.
      nowMs: () => (clockMs += 1),
    });
    delivery.enqueue('webhook:0:json', '{}', 'diagnose firing');
    const failed = await waitFor('the failure logged', () => records.find((r) => r.msg === 'alert not delivered: trying again'));
    await delivery.close();
    expect(failed).toMatchObject({ attempts: 1, error: 'answered HTTP 500', retryInMs: SETTINGS.retryInitialDelayMs });
  });

  it('a message whose target left the config is dropped with a warning, and the next one goes', async () => {
    const temp = makeTempDir('cs-alert-');
    temps.push(temp);
    const { log, records } = recordingLog();
    const posted: string[] = [];
    const delivery = createAlertDelivery({
      outboxPath: join(temp.path, 'alerts-outbox.json'),
      log,
      settings: () => SETTINGS,
      resolveUrl: (id) => (id === 'webhook:0:json' ? new URL('http://127.0.0.1:1/hook') : null),
      post: async (_url, body): Promise<PostOutcome> => {
        posted.push(body);
        return { ok: true, statusCode: 200 };
      },
    });
    delivery.enqueue('webhook:1:slack', '{"gone":true}', 'x firing');
    delivery.enqueue('webhook:0:json', '{"kept":true}', 'x firing');
    await waitFor('delivered', () => delivery.pendingCount() === 0);
    await delivery.close();
    expect(posted).toEqual(['{"kept":true}']);
    expect(records.find((r) => r.msg === 'alert dropped: its target is no longer in alerts config')).toMatchObject({ target: 'webhook #2' });
  });

  it('close ends a delivery still waiting for an answer, and keeps its message in the file for the next daemon', async () => {
    const temp = makeTempDir('cs-alert-');
    temps.push(temp);
    const outboxPath = join(temp.path, 'alerts-outbox.json');
    let wasAborted = false;
    const delivery = createAlertDelivery({
      outboxPath,
      log: recordingLog().log,
      settings: () => ({ ...SETTINGS, timeoutMs: 600_000 }),
      resolveUrl: () => new URL('http://127.0.0.1:1/hook'),
      post: (_url, _body, _timeoutMs, signal) =>
        new Promise<PostOutcome>((resolve) => {
          signal.addEventListener('abort', () => {
            wasAborted = true;
            resolve({ ok: false, error: 'stopped while waiting for an answer' });
          });
        }),
    });
    delivery.enqueue('webhook:0:json', '{"n":1}', 'a firing');
    await waitFor('in flight', () => readFileSync(outboxPath, 'utf8').includes('a firing'));
    await delivery.close();
    expect(wasAborted).toBe(true);
    expect(JSON.parse(readFileSync(outboxPath, 'utf8')).messages.map((m: { label: string; attempts: number }) => [m.label, m.attempts])).toEqual([['a firing', 0]]);
  });
});

import { describe, expect, it } from 'vitest';
import { describeAnswer } from '../../src/alerts/describe-answer.js';
import { addToOutbox, describeTarget, dueMessages, EMPTY_OUTBOX, markAttemptFailed, parseOutbox, removeFromOutbox, retryDelayMs, targetId, type Outbox } from '../../src/alerts/alert-outbox.js';

const message = (target: string, label: string, atMs = 0, isRefresh = false) => ({ targetId: target, body: '{}', label, isRefresh, createdAtMs: atMs, attempts: 0, nextAttemptAtMs: atMs });

describe('the alert outbox', () => {
  it('drops the oldest past its bound and counts them', () => {
    let outbox: Outbox = EMPTY_OUTBOX;
    for (let i = 1; i <= 5; i += 1) outbox = addToOutbox(outbox, message('webhook:0:slack', `m${i}`), 3);
    expect(outbox.messages.map((m) => m.label)).toEqual(['m3', 'm4', 'm5']);
    expect(outbox.dropped).toBe(2);
    expect(outbox.messages.map((m) => m.id)).toEqual([3, 4, 5]);
  });

  it('a refresh replaces a refresh not yet tried, never a firing or resolved message', () => {
    let outbox = addToOutbox(EMPTY_OUTBOX, message('alertmanager', 'diagnose firing'), 10);
    outbox = addToOutbox(outbox, message('alertmanager', 'refresh 1', 0, true), 10);
    outbox = addToOutbox(outbox, message('alertmanager', 'refresh 2', 0, true), 10);
    expect(outbox.messages.map((m) => m.label)).toEqual(['diagnose firing', 'refresh 2']);
  });

  it('only the first message of each target is due: a resolved message never overtakes its firing one', () => {
    let outbox = addToOutbox(EMPTY_OUTBOX, message('webhook:0:slack', 'a firing'), 10);
    outbox = addToOutbox(outbox, message('webhook:0:slack', 'a resolved'), 10);
    outbox = addToOutbox(outbox, message('alertmanager', 'a firing'), 10);
    expect(dueMessages(outbox, 0, new Set()).due.map((m) => `${m.targetId} ${m.label}`)).toEqual(['webhook:0:slack a firing', 'alertmanager a firing']);
    expect(dueMessages(outbox, 0, new Set(['alertmanager'])).due.map((m) => m.targetId)).toEqual(['webhook:0:slack']);
    const failed = markAttemptFailed(outbox, 1, 100, 1_000, 60_000);
    const { due, nextDueAtMs } = dueMessages(failed, 200, new Set());
    expect(due.map((m) => m.targetId)).toEqual(['alertmanager']);
    expect(nextDueAtMs).toBe(1_100);
    expect(removeFromOutbox(failed, 1).messages.map((m) => m.label)).toEqual(['a resolved', 'a firing']);
  });

  it.each([
    [1, 1_000],
    [2, 2_000],
    [3, 4_000],
    [7, 60_000],
    [500, 60_000],
  ])('retry %i waits %i ms (doubling, capped)', (attempts, delayMs) => {
    expect(retryDelayMs(attempts, 1_000, 60_000)).toBe(delayMs);
  });

  it('names targets by index, never by URL', () => {
    expect(targetId({ kind: 'webhook', index: 0, format: 'slack' })).toBe('webhook:0:slack');
    expect(describeTarget('webhook:1:json')).toBe('webhook #2');
    expect(describeTarget('alertmanager')).toBe('Alertmanager');
  });

  it('reads its file back, due at once after a restart; anything else is a fresh outbox with the reason', () => {
    const saved = markAttemptFailed(addToOutbox({ ...EMPTY_OUTBOX, dropped: 4 }, message('webhook:0:json', 'x'), 10), 1, 0, 1_000, 60_000);
    const { outbox, error } = parseOutbox(JSON.stringify(saved));
    expect(error).toBeNull();
    expect(outbox).toMatchObject({ dropped: 4, nextId: 2, messages: [{ label: 'x', attempts: 1, nextAttemptAtMs: 0 }] });
    expect(parseOutbox('{"messages": [').error).toBe('not JSON');
    expect(parseOutbox('[]').error).toMatch(/not an outbox/);
    expect(parseOutbox(JSON.stringify({ messages: [{ id: 'x' }], active: [] })).outbox.messages).toEqual([]);
  });
});

describe('a receiver\'s answer', () => {
  it.each([
    [200, true, null],
    [204, true, null],
    [302, false, 'answered HTTP 302 (a redirect): not followed; put the URL it redirects to in the config'],
    [404, false, 'answered HTTP 404: no webhook at this URL (revoked, or mistyped?)'],
    [403, false, 'answered HTTP 403: refused (a revoked webhook, or one that needs credentials?)'],
    [400, false, 'answered HTTP 400: the receiver refused the message (is the format right for it: slack or json?)'],
    [500, false, 'answered HTTP 500'],
  ])('HTTP %i: delivered %s', (statusCode, ok, error) => {
    const outcome = describeAnswer(statusCode);
    expect(outcome.ok).toBe(ok);
    if (!outcome.ok) expect(outcome.error).toBe(error);
  });
});

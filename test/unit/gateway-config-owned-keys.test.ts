import { describe, expect, it } from 'vitest';
import { canonicalJson, carryOwnedKeys, CRON_ENABLED_PATH, diffKeyPaths, findIncludes, listOwnedKeys, stripOwnedKeys } from '../../src/gateway-config/owned-keys.js';
import { judgeDrift } from '../../src/gateway-config/drift.js';
import { findRollbackTarget, formatHistoryLine, makeApplyId, pickBackupsToPrune, APPLY_ID_PATTERN, type HistoryRecord } from '../../src/gateway-config/history-record.js';

const owned = [CRON_ENABLED_PATH];

describe('keys clawsup owns in the gateway config', () => {
  it('are cron.enabled only while the cron leader runs', () => {
    expect(listOwnedKeys(true)).toEqual([['cron', 'enabled']]);
    expect(listOwnedKeys(false)).toEqual([]);
    expect(listOwnedKeys(true, true)).toEqual([['cron', 'enabled'], ['cron', 'skipMissedJobs']]);
    expect(listOwnedKeys(false, true)).toEqual([]);
  });

  it.each<[string, unknown, unknown]>([
    ['removed, with the object it leaves empty', { cron: { enabled: false }, a: 1 }, { a: 1 }],
    ['removed, keeping cron’s other keys', { cron: { enabled: true, maxConcurrentRuns: 2 } }, { cron: { maxConcurrentRuns: 2 } }],
    ['absent: nothing to remove', { a: { b: 1 } }, { a: { b: 1 } }],
    ['cron not an object: left as it is', { cron: 3 }, { cron: 3 }],
  ])('stripped: %s', (_name, input, expected) => {
    expect(stripOwnedKeys(input, owned)).toEqual(expected);
  });

  it.each<[string, unknown, unknown, unknown]>([
    ['the live value replaces the candidate’s', { cron: { enabled: true }, x: 1 }, { cron: { enabled: false } }, { cron: { enabled: false }, x: 1 }],
    ['the live value is added when the candidate has none', { x: 1 }, { cron: { enabled: false } }, { x: 1, cron: { enabled: false } }],
    ['absent live: the candidate’s value goes', { cron: { enabled: false, n: 1 } }, {}, { cron: { n: 1 } }],
  ])('carried into the candidate: %s', (_name, candidate, live, expected) => {
    expect(carryOwnedKeys(candidate, live, owned)).toEqual(expected);
  });

  it('does not mutate its input', () => {
    const input = { cron: { enabled: false, n: 1 } };
    stripOwnedKeys(input, owned);
    expect(input).toEqual({ cron: { enabled: false, n: 1 } });
  });
});

describe('canonical JSON and key-path diffs', () => {
  it('prints the same config the same whatever the key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } })).toBe(canonicalJson({ a: { c: null, d: [1, { y: 2, z: 1 }] }, b: 1 }));
    expect(canonicalJson({ a: 1 })).not.toBe(canonicalJson({ a: '1' }));
  });

  it.each<[string, unknown, unknown, Array<{ path: string; change: string }>]>([
    ['no change', { a: 1 }, { a: 1 }, []],
    ['added, removed and changed leaves, sorted', { a: 1, b: { c: 1 } }, { b: { c: 2 }, d: true }, [{ path: 'a', change: 'removed' }, { path: 'b.c', change: 'changed' }, { path: 'd', change: 'added' }]],
    ['arrays compare whole', { l: [1, 2] }, { l: [2, 1] }, [{ path: 'l', change: 'changed' }]],
    ['a root that is not an object', 1, 2, [{ path: '<root>', change: 'changed' }]],
  ])('%s', (_name, before, after, expected) => {
    expect(diffKeyPaths(before, after)).toEqual(expected);
  });

  it('finds $include anywhere', () => {
    expect(findIncludes({ agents: { list: [{ $include: './a.json5' }] }, $include: 'b' })).toEqual(['agents.list[0].$include', '$include']);
    expect(findIncludes({ a: { include: 1 } })).toEqual([]);
  });
});

describe('drift', () => {
  it.each<[string, Parameters<typeof judgeDrift>[0], ReturnType<typeof judgeDrift>]>([
    ['no baseline yet: the live config becomes it', { liveHash: 'h1', liveError: null, isLiveMissing: false, appliedHash: null, gatewayBackup: null }, { action: 'adopt' }],
    ['same hash: no drift', { liveHash: 'h1', liveError: null, isLiveMissing: false, appliedHash: 'h1', gatewayBackup: null }, { action: 'report', isDrifted: false, detail: null }],
    ['another hash: drift', { liveHash: 'h2', liveError: null, isLiveMissing: false, appliedHash: 'h1', gatewayBackup: null }, { action: 'report', isDrifted: true, detail: 'the live config was changed outside clawctl gateway-config apply', writer: 'outside' }],
    ['no file and no baseline: nothing to drift from', { liveHash: null, liveError: 'no such file', isLiveMissing: true, appliedHash: null, gatewayBackup: null }, { action: 'report', isDrifted: false, detail: null }],
    ['the applied file is gone: drift', { liveHash: null, liveError: 'x: no such file', isLiveMissing: true, appliedHash: 'h1', gatewayBackup: null }, { action: 'report', isDrifted: true, detail: 'the live config cannot be read: x: no such file', writer: 'outside' }],
    ['not JSON5 any more: drift', { liveHash: null, liveError: 'x: not JSON5', isLiveMissing: false, appliedHash: 'h1', gatewayBackup: null }, { action: 'report', isDrifted: true, detail: 'the live config cannot be read: x: not JSON5', writer: 'outside' }],
    ['the gateway’s own write: its .bak, written with the live file, holds what was applied', { liveHash: 'h2', liveError: null, isLiveMissing: false, appliedHash: 'h1', gatewayBackup: { hash: 'h1', isWrittenWithLive: true } },
      { action: 'report', isDrifted: true, detail: 'the gateway rewrote its config itself (its .bak holds the config last applied): a migration, a plugin install or its config tool', writer: 'gateway' }],
    ['an old .bak is no evidence', { liveHash: 'h2', liveError: null, isLiveMissing: false, appliedHash: 'h1', gatewayBackup: { hash: 'h1', isWrittenWithLive: false } }, { action: 'report', isDrifted: true, detail: 'the live config was changed outside clawctl gateway-config apply', writer: 'outside' }],
    ['a .bak of something else is no evidence', { liveHash: 'h2', liveError: null, isLiveMissing: false, appliedHash: 'h1', gatewayBackup: { hash: 'h0', isWrittenWithLive: true } }, { action: 'report', isDrifted: true, detail: 'the live config was changed outside clawctl gateway-config apply', writer: 'outside' }],
  ])('%s', (_name, facts, verdict) => {
    expect(judgeDrift(facts)).toEqual(verdict);
  });
});

function record(id: string, outcome: HistoryRecord['outcome'], backupFile: string | null): HistoryRecord {
  return { id, at: '2026-12-01T00:00:00.000Z', kind: 'apply', who: { uid: 0, user: 'root', note: '' }, source: '/x', outcome, reason: null, validator: 'parse-only', previousHash: null, candidateHash: 'h', backupFile, changedKeys: [], durationMs: 1 };
}

describe('history', () => {
  it('makes sortable ids that fit the pattern', () => {
    const id = makeApplyId(Date.UTC(2026, 11, 1, 6, 55, 0, 123), 7);
    expect(id).toBe('20261201T065500Z-007');
    expect(APPLY_ID_PATTERN.test(id)).toBe(true);
  });

  it.each<[string, HistoryRecord[], string | undefined, string]>([
    ['no id: the latest applied with a backup', [record('a', 'applied', 'a.before.json5'), record('b', 'refused', null), record('c', 'rolled-back', 'c.before.json5')], undefined, 'a'],
    ['a named id', [record('a', 'applied', 'a.before.json5'), record('c', 'rolled-back', 'c.before.json5')], 'c', 'c'],
  ])('rollback target: %s', (_name, history, id, expected) => {
    const found = findRollbackTarget(history, id);
    expect('id' in found ? found.id : found.error).toBe(expected);
  });

  it.each<[string, HistoryRecord[], string | undefined, RegExp]>([
    ['unknown id', [record('a', 'applied', 'a.before.json5')], 'zz', /no apply zz in the history/],
    ['refused before the swap has no backup', [record('b', 'refused', null)], 'b', /has no backup/],
    ['empty history', [], undefined, /nothing to roll back to/],
  ])('rollback refusal: %s', (_name, history, id, message) => {
    const found = findRollbackTarget(history, id);
    expect('error' in found ? found.error : '').toMatch(message);
  });

  it('prunes the oldest backups past the limit', () => {
    expect(pickBackupsToPrune(['3', '1', '2', '4'], 2)).toEqual(['1', '2']);
    expect(pickBackupsToPrune(['1'], 5)).toEqual([]);
  });

  it('prints one line per apply with who, outcome, reason and keys', () => {
    const line = formatHistoryLine({ ...record('20261201T065500Z-001', 'rolled-back', 'x'), reason: 'gateway-exited: code 78', changedKeys: [{ path: 'bad', change: 'added' }] });
    expect(line).toBe('20261201T065500Z-001  2026-12-01T00:00:00.000Z  apply  rolled-back (gateway-exited: code 78)  by root  +bad');
  });
});

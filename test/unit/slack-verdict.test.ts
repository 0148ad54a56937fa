import { describe, expect, it } from 'vitest';
import { parseSlackLogLine } from '../../src/probes/slack/slack-log-line.js';
import { applySlackLine, applySlackRpc, applySlackRpcError, createSlackObservation, type SlackObservation } from '../../src/probes/slack/slack-observation.js';
import { readSlackRpcFacts } from '../../src/probes/slack/slack-rpc-facts.js';
import { judgeSlack, type SlackLimits } from '../../src/probes/slack/slack-verdict.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
// The plugin's own words (@openclaw/slack 2026.9.6).
const CONNECTED = 'slack socket mode connected';
const DISCONNECTED = 'slack socket disconnected (close); reconnecting in 2s (attempt 1/∞)';
const START_FAILED = 'slack socket mode failed to start; retry 2/∞ in 4s reason="fetch failed"';
const AUTH = 'slack socket mode disconnected due to non-recoverable auth error — skipping channel (An API error occurred: invalid_auth)';
const AUTH_START = 'slack socket mode failed to start due to non-recoverable auth error — skipping channel (invalid_auth)';
const TWO = 'slack socket mode reports 2 active connections for this Slack app; Slack may deliver each event to any one connection';

describe('parseSlackLogLine', () => {
  it.each([
    [CONNECTED, { kind: 'connected', isDegradedIdentity: false }],
    ['slack socket mode connected (degraded identity)', { kind: 'connected', isDegradedIdentity: true }],
    [`{"level":30,"msg":"${DISCONNECTED}"}`, { kind: 'disconnected' }],
    [START_FAILED, { kind: 'start-failed' }],
    [AUTH, { kind: 'auth-error' }],
    [AUTH_START, { kind: 'auth-error' }],
    [TWO, { kind: 'connections', count: 2 }],
    ['gateway ready', null],
    ['slack channels resolved: #general', null],
  ])('%s', (line, expected) => {
    expect(parseSlackLogLine(line)).toEqual(expected);
  });
});

const limits = (nowMs: number, extra: Partial<SlackLimits> = {}): SlackLimits => ({ nowMs, maxDisconnectsPerHour: 3, staleAfterMs: 10 * MIN, hasToken: true, ...extra });
const lines = (entries: Array<[string, number]>, start: SlackObservation = createSlackObservation()): SlackObservation =>
  entries.reduce((observation, [line, atMs]) => applySlackLine(observation, line, atMs), start);

const account = (fields: Record<string, unknown>) => ({ accountId: 'default', configured: true, enabled: true, running: true, ...fields });
const rpc = (accounts: unknown[] | null) =>
  readSlackRpcFacts(accounts === null ? { channels: {}, channelAccounts: {} } : { channels: { slack: { configured: true } }, channelAccounts: { slack: accounts } });

describe('judgeSlack from log lines', () => {
  it.each<[string, Array<[string, number]>, number, string, string[]]>([
    ['nothing seen, token present', [], 1_000, 'unknown', []],
    ['connected', [[CONNECTED, 0]], 1_000, 'connected', []],
    ['connected and quiet for hours is not stale (no transport clock)', [[CONNECTED, 0]], 5 * HOUR, 'connected', []],
    ['disconnected', [[CONNECTED, 0], [DISCONNECTED, 1_000]], 2_000, 'disconnected', ['slack-disconnected']],
    ['a retry that never failed again has reconnected', [[CONNECTED, 0], [DISCONNECTED, 1_000]], 40_000, 'connected', []],
    ['start failures keep it down', [[START_FAILED, 0], [START_FAILED, 5_000]], 6_000, 'disconnected', ['slack-disconnected']],
    ['four disconnects in an hour flap', [[DISCONNECTED, 0], [DISCONNECTED, MIN], [DISCONNECTED, 2 * MIN], [DISCONNECTED, 3 * MIN]], 3 * MIN + 1_000, 'flapping', ['slack-flapping', 'slack-disconnected']],
    ['three disconnects in an hour do not', [[DISCONNECTED, 0], [DISCONNECTED, MIN], [DISCONNECTED, 2 * MIN]], 2 * MIN + 1_000, 'disconnected', ['slack-disconnected']],
    ['old disconnects leave the window', [[DISCONNECTED, 0], [DISCONNECTED, MIN], [DISCONNECTED, 2 * MIN], [DISCONNECTED, 3 * MIN], [CONNECTED, 3 * MIN + 5_000]], HOUR + 2 * MIN + 1, 'connected', []],
    ['duplicate connection', [[CONNECTED, 0], [TWO, 10]], 1_000, 'duplicate', ['slack-duplicate-connection']],
    ['auth error blocks', [[CONNECTED, 0], [AUTH, 1_000]], HOUR, 'blocked', ['slack-blocked']],
    ['a connect clears blocked', [[AUTH_START, 0], [CONNECTED, 1_000]], 2_000, 'connected', []],
  ])('%s', (_name, entries, nowMs, state, reasons) => {
    const verdict = judgeSlack(lines(entries), limits(nowMs));
    expect(verdict.state).toBe(state);
    expect(verdict.reasons).toEqual(reasons);
    expect(verdict.isOk).toBe(state === 'connected');
  });

  it('without a token and without Slack lines, Slack is not configured (not a failure)', () => {
    expect(judgeSlack(createSlackObservation(), limits(1_000, { hasToken: false }))).toMatchObject({ state: 'not-configured', isOk: true, reasons: [] });
  });
});

describe('judgeSlack from channels.status', () => {
  const now = 10 * HOUR;
  it.each<[string, ReturnType<typeof rpc>, string, string[]]>([
    ['no Slack account', rpc(null), 'not-configured', []],
    ['a disabled account', rpc([account({ enabled: false })]), 'not-configured', []],
    ['connected with a fresh transport clock, no inbound for hours', rpc([account({ connected: true, lastConnectedAt: now - 5 * HOUR, lastTransportActivityAt: now - 5_000, lastInboundAt: now - 3 * HOUR, lastEventAt: now - 3 * HOUR })]), 'connected', []],
    // The 2026.9.6 plugin sets lastEventAt only with lastInboundAt: a quiet workspace must stay connected.
    ['connected, no transport clock, old events (a quiet workspace)', rpc([account({ connected: true, lastConnectedAt: now - 5 * HOUR, lastInboundAt: now - 3 * HOUR, lastEventAt: now - 3 * HOUR })]), 'connected', []],
    ['connected, transport clock silent past the limit', rpc([account({ connected: true, lastConnectedAt: now - HOUR, lastTransportActivityAt: now - 11 * MIN })]), 'stale', ['slack-stale']],
    ['the gateway itself judged a stale socket', rpc([account({ connected: true, healthState: 'stale-socket' })]), 'stale', ['slack-stale']],
    ['disconnected', rpc([account({ connected: false, lifecycle: 'recovering', lastDisconnect: { at: now - 1_000, error: 'close' } })]), 'disconnected', ['slack-disconnected']],
    ['blocked lifecycle', rpc([account({ connected: false, lifecycle: 'blocked', lastError: 'invalid_auth' })]), 'blocked', ['slack-blocked']],
    ['one of two accounts down', rpc([account({ connected: true }), account({ accountId: 'b', connected: false })]), 'disconnected', ['slack-disconnected']],
  ])('%s', (_name, facts, state, reasons) => {
    const verdict = judgeSlack(applySlackRpc(createSlackObservation(), facts, now), limits(now));
    expect(verdict.state).toBe(state);
    expect(verdict.reasons).toEqual(reasons);
  });

  it('counts distinct disconnects seen across polls toward flapping', () => {
    let observation = createSlackObservation();
    for (let i = 1; i <= 4; i++) {
      observation = applySlackRpc(observation, rpc([account({ connected: true, lastDisconnect: { at: i * MIN } })]), i * MIN + 500);
      observation = applySlackRpc(observation, rpc([account({ connected: true, lastDisconnect: { at: i * MIN } })]), i * MIN + 900);
    }
    expect(judgeSlack(observation, limits(5 * MIN))).toMatchObject({ state: 'flapping', reasons: ['slack-flapping'] });
  });

  it('the newest word wins: a log disconnect after a connected poll', () => {
    const polled = applySlackRpc(createSlackObservation(), rpc([account({ connected: true })]), 1_000);
    expect(judgeSlack(applySlackLine(polled, DISCONNECTED, 2_000), limits(3_000)).state).toBe('disconnected');
  });

  it('an RPC error with no other word is unknown, with the error as detail', () => {
    const verdict = judgeSlack(applySlackRpcError(createSlackObservation(), 'gateway rpc channels.status: timeout'), limits(1_000));
    expect(verdict).toMatchObject({ state: 'unknown', isOk: false, reasons: [], detail: 'gateway rpc channels.status: timeout' });
  });
});

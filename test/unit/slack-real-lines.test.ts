import { describe, expect, it } from 'vitest';
import { parseSlackLogLine, SLACK_LINE_MARKER } from '../../src/probes/slack/slack-log-line.js';
import { applySlackLine, createSlackObservation } from '../../src/probes/slack/slack-observation.js';
import { judgeSlack } from '../../src/probes/slack/slack-verdict.js';

// Lines the real gateway (openclaw 2026.9.6 with @openclaw/slack 2026.9.6, NO_COLOR=1) printed on stdout against
// the local Slack (test/fake-slack): its logger turns the plugin's "slack socket ..." into "[slack] socket ...".
const REAL = {
  connected: '2026-12-01T08:50:39.979+00:00 [slack] socket mode connected',
  twoConnections:
    '2026-12-01T08:52:23.094+00:00 [slack] socket mode reports 2 active connections for this Slack app; Slack may deliver each event to any one connection; ensure every OpenClaw gateway sharing this app has equivalent routing and authorization, or use a separate Slack app per gateway, one relay ingress, or HTTP Request URLs behind a load balancer; See https://docs.slack.dev/apis/events-api/using-socket-mode#using-multiple-connections',
  authDisconnect:
    '2026-12-01T08:54:28.775+00:00 [slack] socket mode disconnected due to non-recoverable auth error — skipping channel (An API error occurred: invalid_auth; code: slack_webapi_platform_error; slack error: invalid_auth)',
  authStart:
    '2026-12-01T08:54:28.779+00:00 [slack] socket mode failed to start due to non-recoverable auth error — skipping channel (An API error occurred: invalid_auth; code: slack_webapi_platform_error; slack error: invalid_auth)',
  channelExited: '2026-12-01T08:54:28.784+00:00 [slack] [default] channel exited: An API error occurred: invalid_auth',
  terminal: '2026-12-01T08:54:28.786+00:00 [slack] [default] auto-restart skipped, terminal disconnect',
  trustRefused:
    '2026-12-01T08:47:58.248+00:00 [slack] [default] channel exited: Channel ingress queue is unavailable: openChannelIngressQueue is only available for trusted plugins in this release. Plugin "slack" loaded from "/tmp/x/node_modules/@openclaw/slack/dist/index.js" with origin "global"; reason=origin-path | PLUGIN_TRUST_REFUSED',
  // The plugin's reconnect line, as its code formats it (provider-support, formatSlackSocketReconnectMessage) through the same logger.
  disconnected: '2026-12-01T09:10:00.000+00:00 [slack] socket disconnected (unable_to_socket_mode_start); reconnecting in 2s (attempt 1/∞) (An HTTP protocol error occurred: statusCode = 500)',
  startRetry: '2026-12-01T09:10:00.000+00:00 [slack] socket mode failed to start; retry 1/∞ in 2s reason="fetch failed"',
  // Not the probe's business: the provider starting, the SDK's own stderr lines on a dropped socket.
  starting: '2026-12-01T08:50:37.075+00:00 [slack] [default] starting provider',
  sdkError: '2026-12-01T08:53:40.348+00:00 socket-mode:socket-mode WebSocket error occurred: ',
};

describe('parseSlackLogLine on the real gateway output', () => {
  it.each<[keyof typeof REAL, unknown]>([
    ['connected', { kind: 'connected', isDegradedIdentity: false }],
    ['twoConnections', { kind: 'connections', count: 2 }],
    ['authDisconnect', { kind: 'auth-error' }],
    ['authStart', { kind: 'auth-error' }],
    ['channelExited', { kind: 'channel-exited', reason: 'An API error occurred: invalid_auth' }],
    ['terminal', { kind: 'terminal' }],
    ['disconnected', { kind: 'disconnected' }],
    ['startRetry', { kind: 'start-failed' }],
    ['starting', null],
    ['sdkError', null],
  ])('%s', (name, expected) => {
    expect(parseSlackLogLine(REAL[name])).toEqual(expected);
  });

  it('every line the probe reads passes the supervisor line filter', () => {
    for (const name of ['connected', 'twoConnections', 'authDisconnect', 'authStart', 'channelExited', 'terminal', 'disconnected', 'startRetry'] as const) {
      expect(REAL[name].includes(SLACK_LINE_MARKER), name).toBe(true);
    }
  });
});

describe('judgeSlack on real line sequences', () => {
  const limits = (nowMs: number) => ({ nowMs, maxDisconnectsPerHour: 3, staleAfterMs: 600_000, hasToken: true });
  const fold = (names: Array<keyof typeof REAL>) => names.reduce((observation, name, index) => applySlackLine(observation, REAL[name], 1_000 * (index + 1)), createSlackObservation());

  it('the first connect line says connected', () => {
    expect(judgeSlack(fold(['starting', 'connected']), limits(10_000))).toMatchObject({ state: 'connected', isOk: true });
  });

  it('a revoked token while connected is blocked, with the channel-exit reason', () => {
    const verdict = judgeSlack(fold(['connected', 'authDisconnect', 'authStart', 'channelExited', 'terminal']), limits(10_000));
    expect(verdict).toMatchObject({ state: 'blocked', reasons: ['slack-blocked'] });
    expect(verdict.detail).toContain('invalid_auth');
  });

  it('a channel the gateway will not restart (terminal disconnect) is blocked even without an auth line: the trust refusal', () => {
    const verdict = judgeSlack(fold(['starting', 'trustRefused', 'terminal']), limits(10_000));
    expect(verdict).toMatchObject({ state: 'blocked', reasons: ['slack-blocked'] });
    expect(verdict.detail).toContain('PLUGIN_TRUST_REFUSED');
  });

  it('the plugin reports 2 active connections: duplicate', () => {
    expect(judgeSlack(fold(['connected', 'twoConnections']), limits(10_000))).toMatchObject({ state: 'duplicate', reasons: ['slack-duplicate-connection'] });
  });
});

import { describe, expect, it } from 'vitest';
import { applySlackLine, applySlackRpc, applySlackTransport, createSlackObservation, type SlackObservation } from '../../src/probes/slack/slack-observation.js';
import { readSlackRpcFacts } from '../../src/probes/slack/slack-rpc-facts.js';
import { applySlackTransportSample, createSlackTransport, readTransportLink, type SlackSocketFacts } from '../../src/probes/slack/slack-transport.js';
import { judgeSlack } from '../../src/probes/slack/slack-verdict.js';
import { parseSsTcpInfo } from '../../src/probes/slack/ss-tcp-info.js';

// `ss -tinHe state established` inside the test namespace, the gateway's socket to wss-primary.slack.com (127.0.0.3).
const SS_REAL = [
  '0      0          127.0.0.1:49500    127.0.0.3:443  timer:(keepalive,42sec,0) ino:981234 sk:6 cgroup:/ <->',
  '\t ts sack bbr wscale:10,10 rto:208 rtt:5.713/10.937 ato:40 mss:43008 pmtu:65535 rcvmss:1434 advmss:65483 cwnd:18 bytes_sent:2473 bytes_acked:2474 bytes_received:2649 segs_out:17 segs_in:14 data_segs_out:8 data_segs_in:9 send 1084045510bps lastsnd:2472 lastrcv:2472 lastack:2428 pacing_rate 287904345936bps delivered:9 app_limited busy:52ms rcv_space:65495 minrtt:0.014 snd_wnd:86016',
  '0      86     127.0.0.1:54978    127.0.0.3:443  timer:(on,1.2sec,3) ino:981300 sk:7 cgroup:/ <->',
  '\t ts sack cubic wscale:10,10 rto:1600 backoff:3 rtt:0.05/0.02 mss:43008 cwnd:1 unacked:2 retrans:1/4 lastsnd:400 lastrcv:31000 lastack:31000',
  '',
].join('\n');

describe('parseSsTcpInfo', () => {
  it('reads each socket by inode: lastrcv, lastsnd, unacked, retransmits, Send-Q', () => {
    const facts = parseSsTcpInfo(SS_REAL);
    expect(facts.get(981234)).toEqual({ inode: 981234, lastReceiveAgoMs: 2472, lastSendAgoMs: 2472, unackedSegments: 0, retransmits: 0, sendQueueBytes: 0 });
    expect(facts.get(981300)).toEqual({ inode: 981300, lastReceiveAgoMs: 31000, lastSendAgoMs: 400, unackedSegments: 2, retransmits: 1, sendQueueBytes: 86 });
  });

  it('skips lines without an inode and their info lines', () => {
    expect(parseSsTcpInfo('garbage\n\t lastrcv:5\n').size).toBe(0);
  });
});

const socket = (inode: number, lastReceiveAgoMs: number | null = 1_000): SlackSocketFacts => ({ inode, lastReceiveAgoMs, unackedSegments: 0, retransmits: 0 });
const samples = (entries: Array<[SlackSocketFacts[], number]>, start: SlackObservation = createSlackObservation()): SlackObservation =>
  entries.reduce((observation, [sockets, atMs]) => applySlackTransport(observation, sockets, atMs), start);
const CONNECTED = '2026-12-01T08:50:39.979+00:00 [slack] socket mode connected';
const limits = (nowMs: number, staleAfterMs = 60_000) => ({ nowMs, maxDisconnectsPerHour: 3, staleAfterMs, hasToken: true });

describe('the gateway socket to Slack, sample by sample', () => {
  it('an empty sample before any socket proves nothing (Slack may be off, or the host unresolved)', () => {
    const transport = applySlackTransportSample(createSlackTransport(), [], 1_000);
    expect(readTransportLink(transport)).toBeNull();
    expect(transport.downSinceMs).toBeNull();
  });

  it('a socket that goes is down from that sample; each socket gone counts once', () => {
    let transport = applySlackTransportSample(createSlackTransport(), [socket(1)], 1_000);
    transport = applySlackTransportSample(transport, [], 3_000);
    transport = applySlackTransportSample(transport, [], 5_000);
    expect(transport).toMatchObject({ downSinceMs: 3_000, endTimesMs: [3_000] });
    expect(readTransportLink(transport)).toEqual({ isUp: false, silentMs: null });
    transport = applySlackTransportSample(transport, [socket(2)], 18_000);
    expect(transport).toMatchObject({ downSinceMs: null, endTimesMs: [3_000], seenInodes: [1, 2] });
  });

  it('a reconnect between two samples (new inode, old gone) is counted', () => {
    let transport = applySlackTransportSample(createSlackTransport(), [socket(1)], 1_000);
    transport = applySlackTransportSample(transport, [socket(2)], 3_000);
    expect(transport.endTimesMs).toEqual([3_000]);
    expect(readTransportLink(transport)).toEqual({ isUp: true, silentMs: 1_000 });
  });
});

describe('judgeSlack with the kernel view', () => {
  const connectedAt0 = applySlackLine(createSlackObservation(), CONNECTED, 0);

  it.each<[string, Array<[SlackSocketFacts[], number]>, number, string, string[]]>([
    ['connected and the socket receives (pongs every 5 s): connected', [[[socket(1, 2_000)], 10_000]], 10_000, 'connected', []],
    ['a quiet workspace: pings flowing, no events for hours, stays connected', [[[socket(1, 4_000)], 5 * 3_600_000]], 5 * 3_600_000, 'connected', []],
    ['the SDK reconnecting silently: no socket, the plugin still says connected', [[[socket(1)], 10_000], [[], 12_000]], 12_000, 'disconnected', ['slack-disconnected']],
    ['recovered: a new socket', [[[socket(1)], 10_000], [[], 12_000], [[socket(2)], 27_000]], 27_000, 'connected', []],
    ['four silent reconnects in an hour flap', [[[socket(1)], 1_000], [[socket(2)], 60_000], [[socket(3)], 120_000], [[socket(4)], 180_000], [[socket(5)], 240_000]], 240_000, 'flapping', ['slack-flapping']],
    ['a socket receiving nothing past the limit is stale', [[[socket(1, 61_000)], 100_000]], 100_000, 'stale', ['slack-stale']],
    ['at the limit it is not yet', [[[socket(1, 60_000)], 100_000]], 100_000, 'connected', []],
  ])('%s', (_name, entries, nowMs, state, reasons) => {
    const verdict = judgeSlack(samples(entries, connectedAt0), limits(nowMs));
    expect(verdict.state).toBe(state);
    expect(verdict.reasons).toEqual(reasons);
  });

  it('the RPC saying connected does not hide a missing socket', () => {
    const facts = readSlackRpcFacts({ channels: { slack: { configured: true } }, channelAccounts: { slack: [{ accountId: 'default', configured: true, enabled: true, running: true, connected: true, lifecycle: 'ready', lastConnectedAt: 1 }] } });
    const observation = applySlackRpc(samples([[[socket(1)], 1_000], [[], 3_000]], connectedAt0), facts, 4_000);
    expect(judgeSlack(observation, limits(4_000))).toMatchObject({ state: 'disconnected', reasons: ['slack-disconnected'] });
    expect(judgeSlack(observation, limits(4_000)).detail).toContain('no connection to Slack');
  });

  it('blocked wins over a missing socket', () => {
    const revoked = '2026-12-01T08:54:28.775+00:00 [slack] socket mode disconnected due to non-recoverable auth error — skipping channel (invalid_auth)';
    const observation = applySlackLine(samples([[[socket(1)], 1_000], [[], 3_000]], connectedAt0), revoked, 4_000);
    expect(judgeSlack(observation, limits(5_000))).toMatchObject({ state: 'blocked', reasons: ['slack-blocked'] });
  });
});

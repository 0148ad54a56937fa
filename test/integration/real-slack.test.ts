/**
 * Opt-in (CLAWSUP_REAL_SLACK=1): clawsupd supervising the real gateway (openclaw@2026.9.6) with the real
 * @openclaw/slack@2026.9.6 plugin, connected to a local Slack (test/fake-slack) in a private network, mount and
 * pid namespace where Slack's host names lead to the fake. Each state is driven by a fault of the fake and judged
 * from status.json / `clawctl status --json`; the time from the fault to clawsup's verdict is printed per state.
 * Installs what it needs into ~/.cache/clawsup (the gateway ~35 s, the plugin ~30 s with a warm npm cache);
 * each gateway start takes 30-80 s on a busy 2-core machine, the whole file about 8 minutes.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_TOKEN, BOT_TOKEN, runInstaller, startSlackNode, type SlackNode } from '../helpers/real-slack-node.js';
import { waitFor } from '../helpers/wait-for.js';

const ENABLED = process.env['CLAWSUP_REAL_SLACK'] === '1';
const HERE = dirname(fileURLToPath(import.meta.url));
const GATEWAY_TOKEN = `clawsup-slack-${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
const START_MS = 300_000;
// What the suite sets, and the bounds it checks against.
const STALE_AFTER_MS = 10_000;
const INTERVAL_MS = 1_000;
const MAX_DISCONNECTS = 3;
// @slack/socket-mode as the plugin configures it: pings every clientPingTimeout/3, gives up after 15 s without a
// pong, reconnects 15 s x consecutive failures later.
const SDK_PONG_TIMEOUT_MS = 15_000;
const SDK_PING_EVERY_MS = 5_000;
const SDK_RECONNECT_DELAY_MS = 15_000;
const FAKE_PING_EVERY_MS = 5_000;

const figures: string[] = [];
const figure = (text: string): void => {
  figures.push(text);
};

let bin = '';
let pluginState = '';

async function install(): Promise<void> {
  if (bin !== '') return;
  bin = await runInstaller(join(HERE, '..', 'helpers', 'install-openclaw.sh'));
  pluginState = await runInstaller(join(HERE, '..', 'helpers', 'install-slack-plugin.sh'), [bin]);
}

/** The gateway's live socket as the fake sees it (not the half-open one it left, not the second connection). */
async function gatewaySocketId(node: SlackNode): Promise<number> {
  const live = (await node.fake.state()).sockets.filter((s) => !s.isHalfOpen && !s.isSecond);
  expect(live).toHaveLength(1);
  return live[0]?.id ?? -1;
}

function waitForRecord(node: SlackNode, msg: string, timeoutMs: number): Promise<Record<string, unknown>> {
  return waitFor(`log record "${msg}"`, () => node.logs().find((record) => record.msg === msg), timeoutMs, 100);
}

const slackOf = (status: Record<string, any>): Record<string, any> => status['probes']['slack'];
/** The probe's state and the node's reasons are two writes of status.json: wait for both. */
const isIn = (status: Record<string, any>, state: string, reason: string | null): boolean =>
  slackOf(status).state === state && (reason === null || (status['reasons'] as string[]).includes(reason));
const checkedAtMs = (status: Record<string, any>): number => Date.parse(slackOf(status)['checkedAt']);

describe.skipIf(!ENABLED)('real gateway + real @openclaw/slack against a local Slack (CLAWSUP_REAL_SLACK=1)', () => {
  afterAll(() => {
    if (figures.length > 0) process.stdout.write(`\nreal-slack figures:\n${figures.map((line) => `  ${line}`).join('\n')}\n`);
  });

  describe('one gateway through connected, quiet, disconnected, half-open, duplicate, flapping and blocked', () => {
    let node: SlackNode | undefined;

    beforeAll(async () => {
      await install();
      node = startSlackNode({
        bin,
        pluginState,
        slack: { appToken: APP_TOKEN, botToken: BOT_TOKEN },
        fake: { serverPingIntervalMs: FAKE_PING_EVERY_MS },
        clawsupSlack: { staleAfterMs: STALE_AFTER_MS, maxDisconnectsPerHour: MAX_DISCONNECTS },
        gatewayToken: GATEWAY_TOKEN,
      });
    }, 20 * 60_000);

    afterAll(async () => {
      if (!node) return;
      const ended = await node.stop();
      expect(ended.clawsupdEnded).toBe(true);
      expect(ended.leftover).toEqual([]);
    }, 120_000);

    it('connected: the plugin logs "[slack] socket mode connected", channels.status says connected, clawctl says connected', async () => {
      const live = node as SlackNode;
      const connected = await live.waitForStatus('slack connected', (s) => slackOf(s).state === 'connected' && s['mode'] === 'healthy', START_MS);
      expect(connected['reasons']).toEqual([]);
      const viaClawctl = await live.clawctlStatus();
      expect(viaClawctl['probes']['slack']['state']).toBe('connected');
      await live.waitForLine('[slack] socket mode connected');
      const fake = await live.fake.state();
      const calls = fake.records.filter((r) => r.kind === 'http').map((r) => r.detail.replace(/ token=.*/, ''));
      figure(`start: the plugin called ${[...new Set(calls)].join(', ')}`);
      const opened = fake.records.find((r) => r.kind === 'ws-open');
      figure(`connected: socket opened at fake ${opened?.atMs}, clawsup connected by ${checkedAtMs(connected) - (opened?.atMs ?? 0)} ms later (${slackOf(connected).detail})`);
    }, START_MS + 30_000);

    it('a quiet workspace (pings and pongs, no events) stays connected past slack.staleAfterMs', async () => {
      const live = node as SlackNode;
      const seen = new Set<string>();
      const until = Date.now() + 2.5 * STALE_AFTER_MS;
      // Watching for a span is the point here: nothing may change while the socket only pings.
      await live.waitForStatus('a quiet span', (s) => {
        seen.add(slackOf(s).state);
        return Date.now() > until;
      }, 3 * STALE_AFTER_MS + 10_000);
      expect([...seen]).toEqual(['connected']);
      figure(`quiet: ${2.5 * STALE_AFTER_MS} ms with no events, staleAfterMs ${STALE_AFTER_MS}: stayed connected`);
    }, 60_000);

    it('disconnected then recovered: a dropped TCP connection (the plugin logs nothing, the SDK reconnects 15 s later)', async () => {
      const live = node as SlackNode;
      const fault = await live.fake.fault({ kind: 'drop' });
      expect(fault.hit).toBe(1);
      const down = await live.waitForStatus('slack disconnected', (s) => isIn(s, 'disconnected', 'slack-disconnected'), 30_000);
      expect(down['reasons']).toContain('slack-disconnected');
      expect(slackOf(down).detail).toContain("no connection to Slack's socket host");
      const up = await live.waitForStatus('slack connected again', (s) => slackOf(s).state === 'connected', 60_000);
      const downMs = checkedAtMs(down) - fault.atMs;
      const upMs = checkedAtMs(up) - fault.atMs;
      expect(downMs).toBeLessThan(INTERVAL_MS + 3_000);
      figure(`disconnected (drop): verdict ${downMs} ms after the fault (bound: one probe round, ${INTERVAL_MS} ms, + sample); connected again after ${upMs} ms (the SDK waits ${SDK_RECONNECT_DELAY_MS} ms)`);
    }, 120_000);

    it('half-open: TCP open, nothing sent; clawsup says stale from the kernel, then the SDK gives up and reconnects (counted)', async () => {
      const live = node as SlackNode;
      const fault = await live.fake.fault({ kind: 'half-open' });
      expect(fault.hit).toBe(1);
      const stale = await live.waitForStatus('slack stale', (s) => isIn(s, 'stale', 'slack-stale'), 60_000);
      expect(stale['reasons']).toContain('slack-stale');
      const down = await live.waitForStatus('slack disconnected after half-open', (s) => isIn(s, 'disconnected', 'slack-disconnected'), 60_000);
      const up = await live.waitForStatus('slack connected after half-open', (s) => slackOf(s).state === 'connected', 90_000);
      const staleMs = checkedAtMs(stale) - fault.atMs;
      const boundMs = STALE_AFTER_MS + INTERVAL_MS + 1_000;
      expect(staleMs).toBeLessThanOrEqual(boundMs);
      figure(
        `half-open: stale ${staleMs} ms after the fault (bound staleAfterMs + round + ss = ${boundMs} ms); ` +
          `the SDK dropped it: disconnected at ${checkedAtMs(down) - fault.atMs} ms (its bound: pong timeout ${SDK_PONG_TIMEOUT_MS} + ping every ${SDK_PING_EVERY_MS} = ${SDK_PONG_TIMEOUT_MS + SDK_PING_EVERY_MS} ms), ` +
          `connected again at ${checkedAtMs(up) - fault.atMs} ms; no plugin log line`,
      );
    }, 180_000);

    it('duplicate: a second connection on the same app token; the next hello says 2 and the plugin logs "reports 2 active connections"', async () => {
      const live = node as SlackNode;
      await live.fake.openSecondConnection();
      const fault = await live.fake.fault({ kind: 'disconnect-message', reason: 'refresh_requested' }, await gatewaySocketId(live));
      const duplicate = await live.waitForStatus('slack duplicate', (s) => isIn(s, 'duplicate', 'slack-duplicate-connection'), 60_000);
      expect(duplicate['reasons']).toContain('slack-duplicate-connection');
      await live.waitForLine('[slack] socket mode reports 2 active connections for this Slack app');
      figure(`duplicate: verdict ${checkedAtMs(duplicate) - fault.atMs} ms after a refresh with a second connection open (the SDK reconnects after ${SDK_RECONNECT_DELAY_MS} ms, the new hello carries num_connections 2)`);
    }, 120_000);

    it('flapping: more than slack.maxDisconnectsPerHour reconnects, each silent in the plugin, counted from the kernel', async () => {
      const live = node as SlackNode;
      // A socket that lives less than a probe round may never be sampled: let the one after the refresh be seen first.
      await waitFor('the gateway socket sampled', async () => {
        const fake = await live.fake.state();
        return fake.sockets.some((s) => !s.isHalfOpen && !s.isSecond && fake.nowMs - s.openedAtMs > 3 * INTERVAL_MS);
      }, 60_000, 200);
      const fault = await live.fake.fault({ kind: 'disconnect-message', reason: 'refresh_requested' }, await gatewaySocketId(live));
      const flapping = await live.waitForStatus('slack flapping', (s) => (s['reasons'] as string[]).includes('slack-flapping'), 30_000);
      expect(slackOf(flapping).detail).toMatch(/\d+ disconnects in the last hour \(limit 3\)/);
      figure(`flapping: reason slack-flapping ${checkedAtMs(flapping) - fault.atMs} ms after the ${MAX_DISCONNECTS + 1}th disconnect (${slackOf(flapping).detail})`);
    }, 60_000);

    it('blocked: the token revoked while connected; the plugin logs the non-recoverable auth error and stops the channel', async () => {
      const live = node as SlackNode;
      const fault = await live.fake.fault({ kind: 'revoke' });
      const blocked = await live.waitForStatus('slack blocked', (s) => isIn(s, 'blocked', 'slack-blocked'), 60_000);
      expect(blocked['reasons']).toContain('slack-blocked');
      expect(slackOf(blocked).detail).toContain('invalid_auth');
      await live.waitForLine('[slack] socket mode disconnected due to non-recoverable auth error');
      figure(`blocked (revoked while connected): verdict ${checkedAtMs(blocked) - fault.atMs} ms after the fault (the SDK asks apps.connections.open ${SDK_RECONNECT_DELAY_MS} ms after the drop); detail: ${slackOf(blocked).detail.slice(0, 160)}`);
    }, 120_000);
  });

  describe('a gateway whose app token Slack refuses at start (invalid_auth)', () => {
    let node: SlackNode | undefined;
    afterAll(async () => {
      if (!node) return;
      const ended = await node.stop();
      expect(ended.leftover).toEqual([]);
    }, 120_000);

    it('is blocked, from the plugin line and channels.status (lifecycle blocked)', async () => {
      await install();
      node = startSlackNode({ bin, pluginState, slack: { appToken: APP_TOKEN, botToken: BOT_TOKEN }, fake: { appTokens: [] }, gatewayToken: GATEWAY_TOKEN });
      const blocked = await node.waitForStatus('slack blocked at start', (s) => isIn(s, 'blocked', 'slack-blocked'), START_MS);
      expect(blocked['reasons']).toContain('slack-blocked');
      expect(slackOf(blocked).detail).toContain('invalid_auth');
      const viaClawctl = await node.clawctlStatus();
      expect(viaClawctl['probes']['slack']['state']).toBe('blocked');
      const startLine = await node.waitForLine('non-recoverable auth error');
      const opened = (await node.fake.state()).records.find((r) => r.detail.includes('apps.connections.open'));
      figure(`blocked at start: verdict ${checkedAtMs(blocked) - (opened?.atMs ?? 0)} ms after apps.connections.open answered invalid_auth; line: ${startLine.replace(/^\S+ /, '').slice(0, 140)}`);
    }, START_MS + 60_000);
  });

  describe('slack.onStale restart-gateway: a half-open socket restarts the gateway once it has been stale for slack.staleForMs', () => {
    let node: SlackNode | undefined;
    afterAll(async () => {
      if (!node) return;
      const ended = await node.stop();
      expect(ended.leftover).toEqual([]);
    }, 120_000);

    it('goes stale, restarts the gateway (SIGTERM, a clean boot), and the new gateway connects', async () => {
      await install();
      const staleAfterMs = 5_000;
      const staleForMs = 2_000;
      node = startSlackNode({
        bin,
        pluginState,
        slack: { appToken: APP_TOKEN, botToken: BOT_TOKEN },
        clawsupSlack: { staleAfterMs, onStale: 'restart-gateway', staleForMs },
        gatewayToken: GATEWAY_TOKEN,
      });
      const connected = await node.waitForStatus('slack connected', (s) => slackOf(s).state === 'connected' && s['mode'] === 'healthy', START_MS);
      const firstPid = connected['gateway']['pid'] as number;
      const fault = await node.fake.fault({ kind: 'half-open' });
      const restartLog = await waitForRecord(node, 'slack socket stale: restarting the gateway (slack.onStale)', 30_000);
      const restartedAtMs = Date.parse(String(restartLog['time']));
      const again = await node.waitForStatus('a new gateway, slack connected', (s) => s['gateway']['pid'] !== firstPid && slackOf(s).state === 'connected', START_MS);
      // The restart is a SIGTERM drain: a clean exit, which the gateway's crash-loop breaker does not count.
      expect(again['gateway']['lastExit']).toMatchObject({ code: 0, class: 'clean' });
      expect(restartedAtMs - fault.atMs).toBeLessThanOrEqual(staleAfterMs + staleForMs + INTERVAL_MS + 1_500);
      figure(`onStale restart-gateway: restart asked ${restartedAtMs - fault.atMs} ms after the half-open fault (bound staleAfterMs + staleForMs + round = ${staleAfterMs + staleForMs + INTERVAL_MS} ms, + ss); the new gateway connected ${checkedAtMs(again) - fault.atMs} ms after the fault (last exit: ${JSON.stringify(again['gateway']['lastExit']['reason'])})`);
    }, 2 * START_MS + 60_000);
  });

  describe('slack.onStale reconnect-channel: a half-open socket is replaced by channels.stop and channels.start, in the same gateway', () => {
    let node: SlackNode | undefined;
    afterAll(async () => {
      if (!node) return;
      const ended = await node.stop();
      expect(ended.leftover).toEqual([]);
    }, 120_000);

    it('goes stale, asks the gateway (operator.admin) to stop and start the channel, and the same gateway connects again', async () => {
      await install();
      const staleAfterMs = 5_000;
      const staleForMs = 2_000;
      node = startSlackNode({
        bin,
        pluginState,
        slack: { appToken: APP_TOKEN, botToken: BOT_TOKEN },
        clawsupSlack: { staleAfterMs, onStale: 'reconnect-channel', staleForMs },
        gatewayToken: GATEWAY_TOKEN,
      });
      const connected = await node.waitForStatus('slack connected', (s) => slackOf(s).state === 'connected' && s['mode'] === 'healthy', START_MS);
      const pid = connected['gateway']['pid'] as number;
      const fault = await node.fake.fault({ kind: 'half-open' });
      const asked = await waitForRecord(node, 'slack socket stale: reconnecting the channel (slack.onStale)', 30_000);
      const done = await waitForRecord(node, 'slack channel reconnected (channels.stop, channels.start)', 30_000);
      const again = await node.waitForStatus('slack connected again, same gateway', (s) => slackOf(s).state === 'connected' && Date.parse(slackOf(s)['checkedAt']) > Date.parse(String(done['time'])), 60_000);
      expect(again['gateway']['pid']).toBe(pid);
      const askedMs = Date.parse(String(asked['time'])) - fault.atMs;
      expect(askedMs).toBeLessThanOrEqual(staleAfterMs + staleForMs + INTERVAL_MS + 1_500);
      figure(`onStale reconnect-channel: asked ${askedMs} ms after the half-open fault (bound staleAfterMs + staleForMs + round = ${staleAfterMs + staleForMs + INTERVAL_MS} ms, + ss); connected again ${checkedAtMs(again) - fault.atMs} ms after the fault, same gateway pid`);
    }, START_MS + 120_000);
  });

  describe('a gateway with no Slack channel configured', () => {
    let node: SlackNode | undefined;
    afterAll(async () => {
      if (!node) return;
      const ended = await node.stop();
      expect(ended.leftover).toEqual([]);
    }, 120_000);

    it('is not-configured, and the node healthy', async () => {
      await install();
      node = startSlackNode({ bin, pluginState, slack: null, gatewayToken: GATEWAY_TOKEN });
      const status = await node.waitForStatus('slack not-configured over the RPC', (s) => slackOf(s).state === 'not-configured' && slackOf(s).latencyMs !== null && s['mode'] === 'healthy', START_MS);
      expect(status['reasons']).toEqual([]);
      expect((await node.fake.state()).records.filter((r) => r.kind === 'http')).toEqual([]);
      figure(`not-configured: ${slackOf(status).detail}`);
    }, START_MS + 60_000);
  });
});

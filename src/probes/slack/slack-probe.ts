import { callGatewayRpc } from './gateway-rpc.js';
import { canSeeSocketOwners } from '../../gateway/socket-owner/read-socket-owner.js';
import { createGatewayPeerCheck } from './verify-gateway-peer.js';
import type { Logger } from '../../daemon/logger.js';
import { resolveProbeUrls } from '../http/probe-urls.js';
import { applySlackLine, applySlackRpc, applySlackRpcError, applySlackTransport, createSlackObservation, type SlackObservation } from './slack-observation.js';
import { createSlackTransportReader, type SlackTransportReader } from './read-slack-transport.js';
import { readSlackRpcFacts } from './slack-rpc-facts.js';
import { judgeSlack } from './slack-verdict.js';
import { decideStaleAction } from './stale-action.js';
import type { Supervisor } from '../../daemon/supervisor.js';
import { CLAWSUP_VERSION } from '../../version.js';
import { startStopwatch } from '../../monotonic-ms.js';
import type { ProbeBoard } from '../probe-board.js';

export interface SlackProbeDeps {
  supervisor: Supervisor;
  board: ProbeBoard;
  log: Logger;
  getToken(): string | null;
  /** The kernel's view of the gateway's sockets to Slack; the real /proc and `ss` reader unless a test gives its own. */
  transportReader?: SlackTransportReader;
}

export interface SlackProbe {
  /** A new gateway: forget what the last one said. */
  reset(): void;
  onLine(line: string, atMs: number): void;
  /** Re-judges with the current time (staleness and the flapping window move with the clock); polls the RPC when due. */
  refresh(isGatewayStarted: boolean): void;
  stop(): void;
}

/** The Slack socket as the gateway sees it: its own log lines and its `channels.status`. Never opens a Socket Mode connection. */
export function createSlackProbe(deps: SlackProbeDeps): SlackProbe {
  const { supervisor, board, log } = deps;
  let observation: SlackObservation = createSlackObservation();
  let lastPollAtMs = Number.NEGATIVE_INFINITY;
  let poll: AbortController | null = null;
  let generation = 0;
  let staleSinceMs: number | null = null;
  // Kept across gateways: the once-per-window rule is about restarts, and each restart is a new gateway.
  let lastStaleRestartAtMs: number | null = null;
  // The token goes only to a peer proven to be the gateway; where that cannot be proven (no /proc), never.
  const canVerifyPeer = canSeeSocketOwners();
  if (!canVerifyPeer) log.info({ platform: process.platform }, 'channels.status not polled: this platform cannot show who serves the gateway port');
  const hasUsableToken = (): boolean => canVerifyPeer && deps.getToken() !== null;
  const verifyPeer = createGatewayPeerCheck(() => supervisor.getState().gateway.pid);
  const transportReader = deps.transportReader ?? createSlackTransportReader();
  let isSampling = false;
  let lastSampleAtMs = Number.NEGATIVE_INFINITY;

  // The kernel's view of the gateway's own socket to Slack: the SDK's reconnects are silent everywhere else.
  function sampleTransport(atMs: number): void {
    const pid = supervisor.getState().gateway.pid;
    const { socketHosts: hosts, socketSampleIntervalMs } = supervisor.getConfig().slack;
    if (pid === null || isSampling || !canVerifyPeer || hosts.length === 0) return;
    // Not every probe round: reading /proc/net/tcp walks every bucket of the kernel's TCP hash (5 ms a file at 24 GiB).
    if (atMs - lastSampleAtMs < socketSampleIntervalMs) return;
    lastSampleAtMs = atMs;
    isSampling = true;
    const thisGeneration = generation;
    void transportReader
      .sample(pid, hosts)
      .then((sockets) => {
        if (thisGeneration !== generation || sockets === null) return;
        const before = observation.transport;
        observation = applySlackTransport(observation, sockets, Date.now());
        const after = observation.transport;
        if (after.endTimesMs.length > before.endTimesMs.length || after.seenInodes.length > before.seenInodes.length) {
          log.info({ probe: 'slack', sockets: sockets.map((socket) => socket.inode), endedInHour: after.endTimesMs.length }, 'slack socket of the gateway changed');
        }
        judge(Date.now());
      })
      .catch((error: unknown) => log.debug({ probe: 'slack', err: error instanceof Error ? error.message : String(error) }, 'slack transport sample failed'))
      .finally(() => {
        isSampling = false;
      });
  }

  function judge(atMs: number): void {
    const config = supervisor.getConfig().slack;
    const verdict = judgeSlack(observation, {
      nowMs: atMs,
      maxDisconnectsPerHour: config.maxDisconnectsPerHour,
      staleAfterMs: config.staleAfterMs,
      hasToken: hasUsableToken(),
    });
    const previous = board.get('slack');
    if (verdict.state !== previous.state) log.info({ probe: 'slack', state: verdict.state, detail: verdict.detail }, 'slack state changed');
    board.set('slack', {
      ok: verdict.isOk,
      state: verdict.state,
      latencyMs: previous.latencyMs,
      checkedAt: new Date(atMs).toISOString(),
      consecutiveFailures: verdict.isOk ? 0 : previous.consecutiveFailures + (verdict.state === previous.state ? 0 : 1),
      detail: verdict.detail,
    });
    supervisor.setDegradation('slack', verdict.reasons);
    staleSinceMs = verdict.state === 'stale' ? (staleSinceMs ?? atMs) : null;
    const decision = decideStaleAction({ onStale: config.onStale, staleSinceMs, nowMs: atMs, staleForMs: config.staleForMs, lastStaleRestartAtMs });
    if (decision.act) {
      lastStaleRestartAtMs = atMs;
      const staleForMs = atMs - (staleSinceMs ?? atMs);
      if (decision.action === 'restart-gateway') {
        log.warn({ probe: 'slack', staleForMs, detail: verdict.detail }, 'slack socket stale: restarting the gateway (slack.onStale)');
        supervisor.dispatch({ type: 'restart-requested', atMs });
      } else {
        log.warn({ probe: 'slack', staleForMs, detail: verdict.detail }, 'slack socket stale: reconnecting the channel (slack.onStale)');
        void reconnectChannel();
      }
    }
  }

  // channels.stop then channels.start: the plugin opens a new socket in the same gateway, no boot at all.
  async function reconnectChannel(): Promise<void> {
    const token = deps.getToken();
    if (token === null || !canVerifyPeer) {
      log.warn({ probe: 'slack' }, 'slack channel not reconnected: no gateway token, or the gateway peer cannot be verified here');
      return;
    }
    const config = supervisor.getConfig();
    const call = (method: string): Promise<unknown> =>
      callGatewayRpc({
        url: resolveProbeUrls(config.health).origin,
        token,
        method,
        params: { channel: 'slack' },
        scopes: ['operator.admin'],
        timeoutMs: config.slack.rpcTimeoutMs,
        clientVersion: CLAWSUP_VERSION,
        beforeSendingToken: verifyPeer,
      });
    try {
      await call('channels.stop');
      const started = await call('channels.start');
      log.info({ probe: 'slack', started }, 'slack channel reconnected (channels.stop, channels.start)');
    } catch (error) {
      log.warn({ probe: 'slack', err: error instanceof Error ? error.message : String(error) }, 'slack channel reconnect failed');
    }
  }

  async function pollRpc(token: string, atMs: number): Promise<void> {
    const config = supervisor.getConfig();
    const elapsedMs = startStopwatch();
    const thisGeneration = generation;
    poll = new AbortController();
    try {
      const payload = await callGatewayRpc({
        url: resolveProbeUrls(config.health).origin,
        token,
        method: 'channels.status',
        params: {},
        timeoutMs: config.slack.rpcTimeoutMs,
        signal: poll.signal,
        clientVersion: CLAWSUP_VERSION,
        beforeSendingToken: verifyPeer,
      });
      if (thisGeneration !== generation) return;
      observation = applySlackRpc(observation, readSlackRpcFacts(payload), Date.now());
    } catch (error) {
      if (thisGeneration !== generation) return;
      const message = error instanceof Error ? error.message : String(error);
      log.debug({ probe: 'slack', err: message }, 'channels.status failed');
      observation = applySlackRpcError(observation, message);
    } finally {
      poll = null;
    }
    board.set('slack', { ...board.get('slack'), latencyMs: elapsedMs() });
    judge(Math.max(atMs, Date.now()));
  }

  return {
    reset() {
      generation += 1;
      poll?.abort();
      observation = createSlackObservation();
      staleSinceMs = null;
      lastPollAtMs = Number.NEGATIVE_INFINITY;
      lastSampleAtMs = Number.NEGATIVE_INFINITY;
    },
    onLine(line, atMs) {
      const next = applySlackLine(observation, line, atMs);
      if (next === observation) return;
      observation = next;
      judge(atMs);
    },
    refresh(isGatewayStarted) {
      const atMs = Date.now();
      sampleTransport(atMs);
      const token = deps.getToken();
      // The RPC refuses connects until the gateway has started; a poll still running is not doubled.
      const isPollDue = isGatewayStarted && token !== null && canVerifyPeer && poll === null && atMs - lastPollAtMs >= supervisor.getConfig().slack.rpcIntervalMs;
      if (!isPollDue) return judge(atMs);
      lastPollAtMs = atMs;
      void pollRpc(token, atMs);
    },
    stop() {
      generation += 1;
      poll?.abort();
    },
  };
}

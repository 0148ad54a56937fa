import type { Socket } from 'node:net';
import { probeHttp } from './http-probe.js';
import { findConnectionOwner } from '../../gateway/socket-owner/read-socket-owner.js';
import type { PortHolder } from '../../gateway/socket-owner/socket-owner.js';
import type { Logger } from '../../daemon/logger.js';
import type { ClawsupConfig } from '../../config/schema.js';
import type { ProbeReport } from '../probe-report.js';
import { resolveProbeUrls } from './probe-urls.js';
import { judgeLiveness, judgeReadiness, judgeStartup, type ProbeAnswer } from './probe-verdict.js';
import { describeError } from '../../describe-error.js';
import type { Supervisor } from '../../daemon/supervisor.js';
import type { ProbeBoard } from '../probe-board.js';

export interface HttpProbeDeps {
  supervisor: Supervisor;
  board: ProbeBoard;
  log: Logger;
  spawnedAtMs: number;
  /** The gateway's pid, which is its process group's id: only a listener of that group is the gateway. */
  gatewayPid: number;
  /** Called after every round, so time-based verdicts (Slack staleness) are judged as often as liveness. */
  onRound(isStarted: boolean): void;
}

export interface HttpProbes {
  stop(): void;
}

/** Probes one spawned gateway: liveness every round, /startupz until started, then /readyz. Rounds never overlap. */
export function startHttpProbes(deps: HttpProbeDeps): HttpProbes {
  const { supervisor, board, log, spawnedAtMs } = deps;
  let timer: NodeJS.Timeout | undefined;
  let isStopped = false;
  let isStarted = false;
  let hasGivenUp = false;
  let failures: string[] = [];
  const checkPeer = createPeerCheck(deps.gatewayPid, log);

  const health = (): ClawsupConfig['health'] => supervisor.getConfig().health;

  async function runRound(): Promise<void> {
    const roundStartedAt = Date.now();
    const config = health();
    const urls = resolveProbeUrls(config);
    const options = { timeoutMs: config.timeoutMs, checkPeer };
    const [live, startup, ready] = await Promise.all([
      probeHttp(urls.healthUrl, options),
      isStarted ? null : probeHttp(urls.startupUrl, options),
      isStarted ? probeHttp(urls.readyUrl, options) : null,
    ]);
    if (isStopped) return;
    const atMs = Date.now();
    const isLive = onLiveness(live, atMs, config);
    if (startup !== null) onStartup(startup, isLive, atMs, config);
    if (ready !== null) onReadiness(ready, atMs);
    deps.onRound(isStarted);
    if (isStopped || hasGivenUp) return;
    timer = setTimeout(startRound, Math.max(0, config.intervalMs - (Date.now() - roundStartedAt)));
  }

  function onLiveness(result: ProbeAnswer, atMs: number, config: ClawsupConfig['health']): boolean {
    const previous = board.get('health');
    const verdict = judgeLiveness({
      result,
      atMs,
      spawnedAtMs,
      isStarted,
      consecutiveFailures: previous.consecutiveFailures,
      startupGraceMs: config.startupGraceMs,
      failureThreshold: config.failureThreshold,
    });
    board.set('health', toReport(verdict.isOk, verdict.state, result, atMs, verdict.consecutiveFailures, verdict.detail));
    log.debug({ probe: 'health', state: verdict.state, latencyMs: result.latencyMs, consecutiveFailures: verdict.consecutiveFailures }, 'probe answered');
    failures = verdict.consecutiveFailures === 0 ? [] : [...failures, `${new Date(atMs).toISOString()} ${verdict.detail}`].slice(-config.failureThreshold);
    if (verdict.isHung && !hasGivenUp) {
      hasGivenUp = true;
      board.noteDown(atMs);
      supervisor.dispatch({ type: 'hang-detected', atMs, evidence: failures });
    }
    return verdict.isOk;
  }

  function onStartup(result: ProbeAnswer, isLive: boolean, atMs: number, config: ClawsupConfig['health']): void {
    const verdict = judgeStartup({ result, isLive, atMs, spawnedAtMs, startTimeoutMs: config.startTimeoutMs });
    board.set('startup', toReport(verdict.state === 'started', verdict.state, result, atMs, verdict.state === 'started' ? 0 : board.get('startup').consecutiveFailures + 1, verdict.detail));
    if (verdict.state === 'started') {
      isStarted = true;
      log.info({ startupMs: atMs - spawnedAtMs }, 'gateway started: startup probe passed');
      board.set('ready', { ...board.get('ready'), state: 'pending', detail: null });
      supervisor.setGatewayStarted(true);
    } else if (verdict.state === 'timed-out' && !hasGivenUp) {
      hasGivenUp = true;
      board.noteDown(atMs);
      supervisor.dispatch({ type: 'start-timed-out', atMs, evidence: [`${new Date(atMs).toISOString()} ${verdict.detail}`] });
    }
  }

  function onReadiness(result: ProbeAnswer, atMs: number): void {
    const verdict = judgeReadiness(result);
    const previous = board.get('ready');
    board.set('ready', toReport(verdict.isOk, verdict.state, result, atMs, verdict.isOk ? 0 : previous.consecutiveFailures + 1, verdict.detail));
    if (verdict.state !== previous.state) log.info({ probe: 'ready', state: verdict.state, detail: verdict.detail }, 'readiness changed');
    // An unreachable /readyz says nothing about channels: liveness judges the gateway itself.
    if (verdict.state !== 'unreachable') supervisor.setDegradation('ready', verdict.reasons);
  }

  function startRound(): void {
    runRound().catch((error: unknown) => {
      log.error({ err: describeError(error) }, 'probe round failed');
      // A round that threw must not end the probing: the next one is scheduled as usual.
      if (!isStopped && !hasGivenUp) timer = setTimeout(startRound, health().intervalMs);
    });
  }

  board.set('startup', { ...board.get('startup'), state: 'starting', detail: null });
  board.set('ready', { ...board.get('ready'), state: 'waiting', detail: 'until the gateway has started' });
  startRound();
  return {
    stop() {
      isStopped = true;
      clearTimeout(timer);
    },
  };
}

/**
 * Checks each connection once (a kept-alive one is trusted at reuse): served by the gateway's group, or by nobody
 * this host can name (a health URL on another host, or no /proc), it is used; served by another process, it is not.
 */
function createPeerCheck(gatewayPid: number, log: Logger): (socket: Socket) => PortHolder | null {
  const verified = new WeakSet<Socket>();
  let lastHolderPid: number | null | undefined;
  return (socket) => {
    if (verified.has(socket)) return null;
    const owner = findConnectionOwner(
      { localAddress: socket.localAddress ?? '', localPort: socket.localPort ?? 0, remoteAddress: socket.remoteAddress ?? '', remotePort: socket.remotePort ?? 0 },
      gatewayPid,
    );
    if (owner.owner === 'other') {
      if (owner.holder.pid !== lastHolderPid) log.warn({ holderPid: owner.holder.pid, holderCommand: owner.holder.command, endpoint: owner.holder.endpoint, gatewayPid }, 'gateway port held by another process');
      lastHolderPid = owner.holder.pid;
      return owner.holder;
    }
    if (owner.owner === 'unknown') log.debug({ why: owner.why }, 'cannot tell who serves the gateway port');
    lastHolderPid = undefined;
    verified.add(socket);
    return null;
  };
}

function toReport<State extends string>(ok: boolean, state: State, result: ProbeAnswer, atMs: number, consecutiveFailures: number, detail: string): ProbeReport<State> {
  return { ok, state, latencyMs: result.latencyMs, checkedAt: new Date(atMs).toISOString(), consecutiveFailures, detail };
}

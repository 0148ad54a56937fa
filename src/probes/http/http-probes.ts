import type { Socket } from 'node:net';
import { probeHttp } from './http-probe.js';
import { findConnectionOwner, listGatewayListenPorts } from '../../gateway/socket-owner/read-socket-owner.js';
import type { PortHolder } from '../../gateway/socket-owner/socket-owner.js';
import type { Logger } from '../../daemon/logger.js';
import type { ClawsupConfig } from '../../config/schema.js';
import type { ProbeReport } from '../probe-report.js';
import { resolveProbeUrls, type ProbeUrls } from './probe-urls.js';
import { isLiveReadyAnswer, planRound } from './round-plan.js';
import { judgeLiveness, judgeNeverAnswered, judgeReadiness, judgeStartup, type ProbeAnswer } from './probe-verdict.js';
import { judgeEventLoop, readEventLoop } from './event-loop-verdict.js';
import { describeError } from '../../describe-error.js';
import { redactSecrets } from '../../gateway/redact.js';
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
  /** The gateway said it is ready: probe now, and briefly often, rather than at the next interval. */
  onReadyHint(): void;
  stop(): void;
}

// After the ready line, rounds this often until /startupz agrees (the line is a hint, the probe is the proof).
const HINT_INTERVAL_MS = 100;
const HINT_WINDOW_MS = 2_000;
// The gateway's listening ports are read from /proc only while its health URL refuses, and at most this often.
const PORTS_REFRESH_MS = 5_000;

/**
 * Probes one spawned gateway: liveness every round, /startupz until started, then /readyz (alone while its 2xx answers
 * prove liveness too, see planRound). Rounds never overlap.
 */
export function startHttpProbes(deps: HttpProbeDeps): HttpProbes {
  const { supervisor, board, log, spawnedAtMs } = deps;
  let timer: NodeJS.Timeout | undefined;
  let isStopped = false;
  let isStarted = false;
  let startedAtMs = 0;
  let loopDegradedSeenAtMs: number | null = null;
  let hasGivenUp = false;
  let failures: string[] = [];
  let isRoundRunning = false;
  let isRoundWanted = false;
  let hintUntilMs = 0;
  let hasAnsweredSinceSpawn = false;
  let wasLastReadyLive = false;
  // Set while the gateway listens elsewhere than health.url: no start timeout, and the supervisor is told it started.
  let isMisconfigured = false;
  let isAssumedStarted = false;
  let healthReasons: string[] = [];
  let ports: { readAtMs: number; ports: number[] | null } | null = null;
  const checkPeer = createPeerCheck(deps.gatewayPid, log);

  const health = (): ClawsupConfig['health'] => supervisor.getConfig().health;
  // The URLs of the health section in force: parsed again only when a reload brings a new one.
  let urlsOf: { config: ClawsupConfig['health']; urls: ProbeUrls } | null = null;
  const resolveUrls = (config: ClawsupConfig['health']): ProbeUrls => {
    if (urlsOf?.config !== config) urlsOf = { config, urls: resolveProbeUrls(config) };
    return urlsOf.urls;
  };

  async function runRound(): Promise<void> {
    isRoundRunning = true;
    isRoundWanted = false;
    const roundStartedAt = Date.now();
    const config = health();
    const urls = resolveUrls(config);
    const options = { timeoutMs: config.timeoutMs, checkPeer };
    const plan = planRound({ isStarted, intervalMs: config.intervalMs, timeoutMs: config.timeoutMs, isReadyOnHealthOrigin: urls.isReadyOnHealthOrigin, wasLastReadyLive });
    let live: ProbeAnswer;
    let startup: ProbeAnswer | null = null;
    let ready: ProbeAnswer | null = null;
    if (plan === 'ready-first') {
      // One request per round while the gateway answers /readyz with a 2xx: that answer is its liveness too.
      ready = await probeHttp(urls.readyUrl, options);
      live = isLiveReadyAnswer(ready) || isStopped ? ready : await probeHttp(urls.healthUrl, options);
    } else {
      [live, startup, ready] = await Promise.all([
        probeHttp(urls.healthUrl, options),
        plan === 'health-and-startup' ? probeHttp(urls.startupUrl, options) : null,
        plan === 'health-and-ready' ? probeHttp(urls.readyUrl, options) : null,
      ]);
    }
    isRoundRunning = false;
    if (isStopped) return;
    wasLastReadyLive = ready !== null && isLiveReadyAnswer(ready);
    const atMs = Date.now();
    const isLive = onLiveness(live, atMs, config, urls.healthUrl);
    if (startup !== null) onStartup(startup, isLive, atMs, config);
    if (ready !== null) onReadiness(ready, atMs, config);
    deps.onRound(isStarted);
    if (isStopped || hasGivenUp) return;
    const isHinted = !isStarted && Date.now() < hintUntilMs;
    const intervalMs = isRoundWanted ? 0 : isHinted ? Math.min(config.intervalMs, HINT_INTERVAL_MS) : config.intervalMs;
    timer = setTimeout(startRound, Math.max(0, intervalMs - (Date.now() - roundStartedAt)));
  }

  function onLiveness(result: ProbeAnswer, atMs: number, config: ClawsupConfig['health'], healthUrl: string): boolean {
    const previous = board.get('health');
    if (result.statusCode !== null && (result.heldBy ?? null) === null) hasAnsweredSinceSpawn = true;
    const verdict = judgeLiveness({
      result,
      atMs,
      spawnedAtMs,
      isStarted,
      consecutiveFailures: previous.consecutiveFailures,
      startupGraceMs: config.startupGraceMs,
      failureThreshold: config.failureThreshold,
      hasAnsweredSinceSpawn,
    });
    if (verdict.state === 'never-answered') {
      onNeverAnswered(result, atMs, healthUrl, verdict.consecutiveFailures, verdict.detail);
      return false;
    }
    board.set('health', toReport(verdict.isOk, verdict.state, result, atMs, verdict.consecutiveFailures, verdict.detail));
    isMisconfigured = false;
    if (healthReasons.length > 0) setHealthReasons([]);
    log.debug({ probe: 'health', state: verdict.state, latencyMs: result.latencyMs, consecutiveFailures: verdict.consecutiveFailures }, 'probe answered');
    failures = verdict.consecutiveFailures === 0 ? [] : [...failures, `${new Date(atMs).toISOString()} ${verdict.detail}`].slice(-config.failureThreshold);
    if (verdict.isHung && !hasGivenUp) {
      hasGivenUp = true;
      board.noteDown(atMs);
      supervisor.dispatch({ type: 'hang-detected', atMs, evidence: failures });
    }
    return verdict.isOk;
  }

  /** Refused since spawn: a wrong health.url, named with the ports the gateway listens on; never a hang. */
  function onNeverAnswered(result: ProbeAnswer, atMs: number, healthUrl: string, consecutiveFailures: number, refusedDetail: string): void {
    if (ports === null || atMs - ports.readAtMs >= PORTS_REFRESH_MS) ports = { readAtMs: atMs, ports: listGatewayListenPorts(deps.gatewayPid) };
    const verdict = judgeNeverAnswered({ healthUrl, listenPorts: ports.ports, detail: refusedDetail });
    const previous = board.get('health');
    board.set('health', toReport(false, verdict.state, result, atMs, consecutiveFailures, verdict.detail));
    if (verdict.state !== previous.state || verdict.detail !== previous.detail) {
      log.warn({ probe: 'health', state: verdict.state, healthUrl, listenPorts: ports.ports, detail: verdict.detail }, 'health URL never answered since spawn');
    }
    setHealthReasons(verdict.reasons);
    isMisconfigured = verdict.isListening;
    // A gateway seen listening is up: the node shows degraded (probe-misconfigured), not starting until a start timeout.
    if (verdict.isListening && !isStarted && !isAssumedStarted) {
      isAssumedStarted = true;
      supervisor.setGatewayStarted(true);
    }
  }

  function setHealthReasons(reasons: string[]): void {
    if (reasons.length === healthReasons.length && reasons.every((reason, i) => reason === healthReasons[i])) return;
    healthReasons = reasons;
    supervisor.setDegradation('health', reasons);
  }

  function onStartup(result: ProbeAnswer, isLive: boolean, atMs: number, config: ClawsupConfig['health']): void {
    const verdict = judgeStartup({ result, isLive, atMs, spawnedAtMs, startTimeoutMs: config.startTimeoutMs });
    board.set('startup', toReport(verdict.state === 'started', verdict.state, result, atMs, verdict.state === 'started' ? 0 : board.get('startup').consecutiveFailures + 1, verdict.detail));
    if (verdict.state === 'started') {
      isStarted = true;
      startedAtMs = atMs;
      log.info({ startupMs: atMs - spawnedAtMs }, 'gateway started: startup probe passed');
      board.set('ready', { ...board.get('ready'), state: 'pending', detail: null });
      supervisor.setGatewayStarted(true);
      return;
    }
    // Once the probes find the gateway again (health.url fixed), /startupz speaks for itself.
    if (isAssumedStarted && !isMisconfigured) {
      isAssumedStarted = false;
      supervisor.setGatewayStarted(false);
    }
    if (verdict.state === 'timed-out' && !hasGivenUp && !isMisconfigured) {
      hasGivenUp = true;
      board.noteDown(atMs);
      supervisor.dispatch({ type: 'start-timed-out', atMs, evidence: [`${new Date(atMs).toISOString()} ${verdict.detail}`] });
    }
  }

  function onReadiness(result: ProbeAnswer, atMs: number, config: ClawsupConfig['health']): void {
    const loop = judgeEventLoop({
      reading: readEventLoop(result.body),
      atMs,
      startedAtMs,
      firstSeenDegradedAtMs: loopDegradedSeenAtMs,
      degradedAfterMs: config.eventLoopDegradedAfterMs,
    });
    loopDegradedSeenAtMs = loop.firstSeenDegradedAtMs;
    const verdict = judgeReadiness(result, loop);
    const previous = board.get('ready');
    board.set('ready', toReport(verdict.isOk, verdict.state, result, atMs, verdict.isOk ? 0 : previous.consecutiveFailures + 1, verdict.detail));
    if (verdict.state !== previous.state) log.info({ probe: 'ready', state: verdict.state, detail: verdict.detail }, 'readiness changed');
    // An unreachable /readyz says nothing about channels: liveness judges the gateway itself.
    // The gateway names what fails: its words reach status.json and reasons[], so they are redacted like its output.
    if (verdict.state !== 'unreachable') supervisor.setDegradation('ready', verdict.reasons.map((reason) => redactSecrets(reason)));
  }

  function startRound(): void {
    timer = undefined;
    runRound().catch((error: unknown) => {
      isRoundRunning = false;
      log.error({ err: describeError(error) }, 'probe round failed');
      // A round that threw must not end the probing: the next one is scheduled as usual.
      if (!isStopped && !hasGivenUp) timer = setTimeout(startRound, health().intervalMs);
    });
  }

  board.set('startup', { ...board.get('startup'), state: 'starting', detail: null });
  board.set('ready', { ...board.get('ready'), state: 'waiting', detail: 'until the gateway has started' });
  startRound();
  return {
    onReadyHint() {
      if (isStopped || hasGivenUp || isStarted) return;
      hintUntilMs = Date.now() + HINT_WINDOW_MS;
      log.debug({ sinceSpawnMs: Date.now() - spawnedAtMs }, 'gateway says ready: probing now');
      // A round in flight may have asked before the gateway was ready: the next one follows it at once.
      if (isRoundRunning) return void (isRoundWanted = true);
      clearTimeout(timer);
      startRound();
    },
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
  return { ok, state, latencyMs: result.latencyMs, checkedAt: new Date(atMs).toISOString(), consecutiveFailures, detail: redactSecrets(detail) };
}

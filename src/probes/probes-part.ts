import { findGatewayToken } from '../gateway/openclaw-token.js';
import type { DaemonPart, DaemonContext, Detach } from '../daemon/daemon-part.js';
import type { SupervisorState } from '../supervisor/supervisor-state.js';
import type { LivenessHandle } from '../daemon/liveness-board.js';
import type { Mode } from '../supervisor/modes.js';
import { SLACK_LINE_MARKER } from './slack/slack-log-line.js';
import { startHttpProbes, type HttpProbes } from './http/http-probes.js';
import { createProbeBoard } from './probe-board.js';
import { createSlackProbe } from './slack/slack-probe.js';

const ROUND_SLACK_MS = 2_000;
// What OpenClaw's gateway logs once it is ready (`[gateway] ready`, `[gateway] ready (...)`): a hint to probe at once.
export const READY_LINE_MARKER = '[gateway] ready';

// Modes that mean something failed (an operator's hold or stop is not a failure).
const DOWN_MODES: readonly Mode[] = ['degraded', 'backoff', 'diagnose'];

/** Probes follow the gateway: a fresh start on each spawn, silence while it is down. */
export const probesPart: DaemonPart = {
  name: 'probes',
  attach(context: DaemonContext): Detach {
    const { supervisor, env } = context;
    const log = context.log.child({ component: 'probe' });
    if (!context.config.health.enabled) return { detach: () => undefined };

    const board = createProbeBoard(supervisor);
    let token: string | null = null;
    const getToken = (): string | null => token;
    const slack = createSlackProbe({ supervisor, board, log, getToken });
    let session: HttpProbes | null = null;
    let isSessionLive = false;
    let roundLiveness: LivenessHandle | null = null;

    function refreshToken(): void {
      const found = findGatewayToken(supervisor.getConfig(), env);
      if (found.source !== null && found.token !== token) log.info({ tokenSource: found.source }, 'gateway token found for channels.status');
      token = found.token;
    }

    function stopSession(): void {
      session?.stop();
      session = null;
      roundLiveness?.unregister();
      roundLiveness = null;
      isSessionLive = false;
      slack.stop();
    }

    function startSession(gatewayPid: number, spawnedAtMs: number): void {
      stopSession();
      refreshToken();
      slack.reset();
      board.resetAll('starting');
      isSessionLive = true;
      supervisor.setDegradation('health', []);
      supervisor.setDegradation('ready', []);
      supervisor.setDegradation('slack', []);
      // A round makes at most three requests in a row, each bounded by timeoutMs; a loop silent for longer is stuck.
      // Read at each check: a reload may lengthen the interval.
      const maxRoundSilenceMs = (): number => {
        const health = supervisor.getConfig().health;
        return health.intervalMs + 3 * health.timeoutMs + ROUND_SLACK_MS;
      };
      roundLiveness = context.liveness.register('probes', maxRoundSilenceMs, Date.now());
      const onRound = (isStarted: boolean): void => {
        roundLiveness?.beat(Date.now());
        slack.refresh(isStarted);
      };
      session = startHttpProbes({ supervisor, board, log, spawnedAtMs, gatewayPid, onRound });
    }

    function onStateChange(state: SupervisorState, previous: SupervisorState): void {
      const atMs = Date.now();
      if (state.mode !== previous.mode) {
        if (state.mode === 'healthy') board.noteHealthy(atMs);
        else if (DOWN_MODES.includes(state.mode)) board.noteDown(atMs);
      }
      // A gateway being stopped on purpose is draining: probing it could only raise false alarms.
      if (state.stopCause === 'requested' && previous.stopCause !== 'requested') {
        stopSession();
        board.resetAll('down');
      }
      if (state.gateway.pid === previous.gateway.pid) return;
      const { pid, startedAtMs } = state.gateway;
      // What a session reports is queued by the supervisor behind the change that started it.
      if (pid !== null && startedAtMs !== null) return startSession(pid, startedAtMs);
      stopSession();
      board.resetAll('down');
      supervisor.setDegradation('health', []);
      supervisor.setDegradation('ready', []);
      supervisor.setDegradation('slack', []);
    }

    supervisor.onStateChange(onStateChange);
    supervisor.onGatewayLine((line, _stream, atMs) => {
      if (isSessionLive) slack.onLine(line, atMs);
    }, SLACK_LINE_MARKER);
    supervisor.onGatewayLine((line) => {
      if (isSessionLive && line.includes(READY_LINE_MARKER)) session?.onReadyHint();
    }, READY_LINE_MARKER);
    return { detach: stopSession };
  },
};

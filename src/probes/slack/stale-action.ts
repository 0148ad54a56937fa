/** What clawsupd does about a Slack socket judged stale, and when. Pure. */
// reconnect-channel: the RPC's channels.stop then channels.start (operator.admin), seen working on 2026.9.6.
export const STALE_ACTIONS = ['none', 'reconnect-channel', 'restart-gateway'] as const;
export type StaleAction = (typeof STALE_ACTIONS)[number];

// The gateway's crash-loop breaker window: 3 unclean boots in 5 minutes start the next boot with channels suppressed.
export const STALE_RESTART_MIN_GAP_MS = 300_000;

export interface StaleActionInput {
  onStale: StaleAction;
  /** Since when the verdict has been `stale` without a break; null when it is not. */
  staleSinceMs: number | null;
  nowMs: number;
  staleForMs: number;
  /** The last restart clawsupd made for a stale socket, across gateways. */
  lastStaleRestartAtMs: number | null;
}

export type StaleDecision = { act: false; why: string } | { act: true; action: Exclude<StaleAction, 'none'> };

/**
 * Act after the socket has been stale for `staleForMs`, at most once per breaker window: clawsupd's restart is a
 * SIGTERM drain (a clean boot the breaker does not count) and a channel reconnect boots nothing, but a socket still
 * stale after one of them is a network or Slack problem that repeating it would not fix, only hide.
 */
export function decideStaleAction(input: StaleActionInput): StaleDecision {
  if (input.onStale === 'none') return { act: false, why: 'slack.onStale is none' };
  if (input.staleSinceMs === null) return { act: false, why: 'not stale' };
  if (input.nowMs - input.staleSinceMs < input.staleForMs) return { act: false, why: 'not stale for slack.staleForMs yet' };
  if (input.lastStaleRestartAtMs !== null && input.nowMs - input.lastStaleRestartAtMs < STALE_RESTART_MIN_GAP_MS) {
    return { act: false, why: 'acted on a stale socket less than 5 minutes ago' };
  }
  return { act: true, action: input.onStale };
}

/** One probe's last word, as status.json shows it under `probes.<name>`. */
export interface ProbeReport<State extends string = string> {
  ok: boolean;
  state: State;
  latencyMs: number | null;
  checkedAt: string | null;
  consecutiveFailures: number;
  detail: string | null;
}

/** What an HTTP probe saw: plain facts, whatever went wrong (a timeout, a refusal) is `error`. */
export interface HttpProbeResult {
  statusCode: number | null;
  body: unknown;
  latencyMs: number;
  error: string | null;
}

export function createPendingReport<State extends string>(state: State): ProbeReport<State> {
  return { ok: false, state, latencyMs: null, checkedAt: null, consecutiveFailures: 0, detail: null };
}

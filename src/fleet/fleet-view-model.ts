/**
 * What the fleet view shows of a node, from its `/api/v1/view` object: the table row, the restarts in a window and
 * the 24-hour timeline. Pure. The functions live inside createViewModel, which uses nothing outside itself: the
 * status page inlines its compiled source (page-script.ts), so the browser and `clawctl fleet status` agree, and a
 * bundler that renames top-level names (scripts/bundle.mjs) cannot break the calls between them.
 */

/** The timeline's colours: the node's modes, `down` for stopping/stopped/unreachable, `unknown` before any event. */
export type TimelineState = 'healthy' | 'degraded' | 'starting' | 'backoff' | 'diagnose' | 'held' | 'down' | 'unknown';

export interface TimelineSegment {
  state: TimelineState;
  startMs: number;
  endMs: number;
}

/** The journal events the fleet view reads: `at` and `type`, and for `mode-changed` its `from` and `to`. */
export interface ViewEvent {
  at: string;
  type: string;
  [field: string]: unknown;
}

/** One node as the fleet view reads it (a `/api/v1/view` answer, shape-checked by view-shape.ts). */
export interface NodeView {
  node: { name: string; version: string };
  status: ViewStatus;
  events: ViewEvent[];
  skills?: Record<string, ViewSkill> | null;
  audit?: unknown;
}

export interface ViewSkill {
  state: string;
  message?: string | null;
  finishedAt?: string | null;
}

export interface ViewExit {
  code: number | null;
  signal: string | null;
  class: string;
  reason: string;
  evidence: string[];
  at: string;
  uptimeMs?: number;
}

export interface ViewStatus {
  mode: string;
  since: string;
  reasons: string[];
  gateway: { pid: number | null; startedAt: string | null; restarts: number; lastExit: ViewExit | null };
  diagnosis?: { reason: string; trigger?: string; hint: string; evidence: string[]; since?: string } | null;
  daemon?: { version?: string; host?: string };
  probes?: { slack?: { state: string; detail?: string | null } };
  skills?: Record<string, ViewSkill>;
  cron?: { role: string; term?: number | null } | null;
}

/** A table row: every cell as display text (the caller escapes it for its medium). */
export interface NodeRow {
  name: string;
  mode: string;
  since: string;
  uptime: string;
  restarts24h: string;
  lastExit: string;
  slack: string;
  skills: string;
  cron: string;
  version: string;
}

/** One inventory node's answer, or why there is none. */
export interface FleetEntry {
  name: string;
  reachable: boolean;
  error?: string;
  lastAnsweredAt?: string | null;
  view?: NodeView;
}

export function createViewModel() {
  /** 93784000 -> "1d 2h", 65000 -> "1m 5s", 800 -> "0s": the two largest units. */
  function formatSpan(ms: number): string {
    if (!Number.isFinite(ms)) return '?';
    const units: Array<[string, number]> = [
      ['d', 86_400_000],
      ['h', 3_600_000],
      ['m', 60_000],
      ['s', 1_000],
    ];
    let rest = Math.max(0, Math.round(ms));
    const parts: string[] = [];
    for (const [unit, size] of units) {
      if (rest >= size || parts.length > 0) {
        parts.push(`${Math.floor(rest / size)}${unit}`);
        rest %= size;
      }
      if (parts.length === 2) break;
    }
    const kept = parts.filter((part, index) => index === 0 || !part.startsWith('0'));
    return kept.length === 0 ? '0s' : kept.join(' ');
  }

  /** A mode (or anything a node said) as a timeline colour. */
  function timelineStateOf(mode: unknown): TimelineState {
    if (mode === 'stopping' || mode === 'stopped' || mode === 'down') return 'down';
    const known = ['healthy', 'degraded', 'starting', 'backoff', 'diagnose', 'held'];
    return typeof mode === 'string' && known.includes(mode) ? (mode as TimelineState) : 'unknown';
  }

  /**
   * The node's states from `fromMs` to `toMs`, as contiguous segments: `mode-changed` moves to its `to` (and tells
   * what came before it when nothing earlier did), `daemon-started` to starting; the status's current mode and
   * `since` close the story, so a node with no event for days is one segment of its mode.
   */
  function buildTimeline(events: readonly ViewEvent[], fromMs: number, toMs: number, current: { mode: string; since: string } | null): TimelineSegment[] {
    const segments: TimelineSegment[] = [];
    let state: TimelineState | null = null;
    let startMs = fromMs;
    const enter = (next: TimelineState, atMs: number): void => {
      if (Number.isNaN(atMs) || atMs > toMs) return;
      const at = Math.max(atMs, startMs);
      if (state === null && at <= fromMs) {
        state = next;
        return;
      }
      if (next === state) return;
      if (at > startMs) segments.push({ state: state ?? 'unknown', startMs, endMs: at });
      state = next;
      startMs = at;
    };
    const sorted = [...events].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    for (const event of sorted) {
      const atMs = Date.parse(event.at);
      if (event.type === 'mode-changed') {
        // The first change in view says what the node was before it, back to the window's start.
        if (state === null && atMs > fromMs) state = timelineStateOf(event.from);
        enter(timelineStateOf(event.to), atMs);
      } else if (event.type === 'daemon-started') {
        enter('starting', atMs);
      }
    }
    if (current !== null) {
      const sinceMs = Date.parse(current.since);
      const next = timelineStateOf(current.mode);
      if (state === null && !(sinceMs > fromMs)) state = next;
      else if (next !== state) enter(next, Number.isNaN(sinceMs) ? toMs : Math.min(sinceMs, toMs));
    }
    if (toMs > startMs) segments.push({ state: state ?? 'unknown', startMs, endMs: toMs });
    return segments;
  }

  /** A node that did not answer: nothing known until it last answered, down since; never answered, down throughout. */
  function buildUnreachableTimeline(lastAnsweredAt: string | null | undefined, fromMs: number, toMs: number): TimelineSegment[] {
    const lastMs = typeof lastAnsweredAt === 'string' ? Date.parse(lastAnsweredAt) : Number.NaN;
    if (Number.isNaN(lastMs) || lastMs <= fromMs) return [{ state: 'down', startMs: fromMs, endMs: toMs }];
    const downFromMs = Math.min(lastMs, toMs);
    const segments: TimelineSegment[] = [
      { state: 'unknown', startMs: fromMs, endMs: downFromMs },
      { state: 'down', startMs: downFromMs, endMs: toMs },
    ];
    return segments.filter((segment) => segment.endMs > segment.startMs);
  }

  /** Gateway restarts (every start after the first) journaled at or after `fromMs`. */
  function countRestarts(events: readonly ViewEvent[], fromMs: number): number {
    return events.filter((event) => event.type === 'gateway-restarted' && Date.parse(event.at) >= fromMs).length;
  }

  /** The skills that are stale or failing, as "stale: a, b; failing: c", or "ok" / "none". */
  function describeSkills(skills: Record<string, ViewSkill> | null | undefined): string {
    const entries = Object.entries(skills ?? {});
    if (entries.length === 0) return 'none';
    const named = (state: string): string[] => entries.filter(([, skill]) => skill.state === state).map(([name]) => name).sort();
    const parts: string[] = [];
    for (const state of ['failing', 'stale']) {
      const names = named(state);
      if (names.length > 0) parts.push(`${state}: ${names.join(', ')}`);
    }
    return parts.length === 0 ? `${entries.length} ok` : parts.join('; ');
  }

  /** The row `clawctl fleet status` and the page show for an answering node. */
  function describeNode(view: NodeView, nowMs: number): NodeRow {
    const { status } = view;
    const { gateway } = status;
    const startedMs = gateway.startedAt === null ? Number.NaN : Date.parse(gateway.startedAt);
    const exit = gateway.lastExit;
    const exitCode = exit === null ? '' : exit.signal !== null ? ` (${exit.signal})` : exit.code !== null ? ` (exit ${exit.code})` : '';
    const cron = status.cron;
    return {
      name: view.node.name,
      mode: status.mode,
      since: `${formatSpan(nowMs - Date.parse(status.since))} ago`,
      uptime: gateway.pid === null || Number.isNaN(startedMs) ? 'not running' : formatSpan(nowMs - startedMs),
      restarts24h: String(countRestarts(view.events, nowMs - 86_400_000)),
      lastExit: exit === null ? 'none' : `${exit.class}: ${exit.reason}${exitCode}`,
      slack: status.probes?.slack?.state ?? 'not probed',
      skills: describeSkills(view.skills ?? status.skills),
      cron: cron ? `${cron.role}${typeof cron.term === 'number' ? ` (term ${cron.term})` : ''}` : '-',
      version: view.node.version,
    };
  }

  /** The row for a node that did not answer: why, and how long since it last did. */
  function describeUnreachable(entry: FleetEntry, nowMs: number): NodeRow {
    const lastMs = typeof entry.lastAnsweredAt === 'string' ? Date.parse(entry.lastAnsweredAt) : Number.NaN;
    const last = Number.isNaN(lastMs) ? 'never answered' : `last answered ${formatSpan(nowMs - lastMs)} ago`;
    return {
      name: entry.name,
      mode: 'unreachable',
      since: last,
      uptime: '-',
      restarts24h: '-',
      lastExit: entry.error ?? 'no answer',
      slack: '-',
      skills: '-',
      cron: '-',
      version: '-',
    };
  }

  /** A fleet entry's row, named as the inventory names the node (the operator's word for it, not the node's own). */
  function describeEntry(entry: FleetEntry, nowMs: number): NodeRow {
    if (!entry.reachable || !entry.view) return describeUnreachable(entry, nowMs);
    const row = describeNode(entry.view, nowMs);
    row.name = entry.name;
    return row;
  }

  /** The fleet's exit code: 2 when any node is in diagnose, stopped or unreachable; else 1 for any not healthy; else 0. */
  function fleetExitCode(entries: readonly FleetEntry[]): number {
    const modes = entries.map((entry) => (entry.reachable && entry.view ? entry.view.status.mode : 'unreachable'));
    if (modes.some((mode) => mode === 'diagnose' || mode === 'stopped' || mode === 'unreachable')) return 2;
    if (modes.some((mode) => mode !== 'healthy')) return 1;
    return 0;
  }

  return { formatSpan, timelineStateOf, buildTimeline, buildUnreachableTimeline, countRestarts, describeSkills, describeNode, describeUnreachable, describeEntry, fleetExitCode };
}

const viewModel = createViewModel();
export const { formatSpan, timelineStateOf, buildTimeline, buildUnreachableTimeline, countRestarts, describeSkills, describeNode, describeUnreachable, describeEntry, fleetExitCode } = viewModel;

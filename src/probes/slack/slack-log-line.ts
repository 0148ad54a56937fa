/** What one line of the gateway's output says about its Slack socket (as @openclaw/slack 2026.9.6 words it). */
export type SlackLogEvent =
  | { kind: 'connected'; isDegradedIdentity: boolean }
  | { kind: 'disconnected' }
  | { kind: 'start-failed' }
  | { kind: 'auth-error' }
  | { kind: 'connections'; count: number };

// Order matters: an auth error line also says "disconnected" or "failed to start".
const PATTERNS: ReadonlyArray<{ pattern: RegExp; toEvent: (match: RegExpExecArray) => SlackLogEvent }> = [
  { pattern: /slack socket mode (?:disconnected|failed to start) due to non-recoverable auth error/, toEvent: () => ({ kind: 'auth-error' }) },
  { pattern: /slack socket mode reports (\d+) active connections/, toEvent: (match) => ({ kind: 'connections', count: Number(match[1]) }) },
  { pattern: /slack socket mode connected( \(degraded identity\))?/, toEvent: (match) => ({ kind: 'connected', isDegradedIdentity: match[1] !== undefined }) },
  { pattern: /slack socket disconnected \(/, toEvent: () => ({ kind: 'disconnected' }) },
  { pattern: /slack socket mode failed to start/, toEvent: () => ({ kind: 'start-failed' }) },
];

/** Every line the Slack probe cares about contains this. */
export const SLACK_LINE_MARKER = 'slack socket';

export function parseSlackLogLine(line: string): SlackLogEvent | null {
  if (!line.includes(SLACK_LINE_MARKER)) return null;
  for (const { pattern, toEvent } of PATTERNS) {
    const match = pattern.exec(line);
    if (match) return toEvent(match);
  }
  return null;
}

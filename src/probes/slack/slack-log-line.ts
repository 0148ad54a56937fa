/** What one line of the gateway's output says about its Slack socket (as @openclaw/slack 2026.9.6 words it). */
export type SlackLogEvent =
  | { kind: 'connected'; isDegradedIdentity: boolean }
  | { kind: 'disconnected' }
  | { kind: 'start-failed' }
  | { kind: 'auth-error' }
  | { kind: 'connections'; count: number }
  /** The gateway's channel manager: the Slack channel's task ended, with why. */
  | { kind: 'channel-exited'; reason: string }
  /** The gateway's channel manager will not restart the channel (after an auth error or a refused plugin). */
  | { kind: 'terminal' };

// The plugin writes "slack socket ..."; the gateway's logger prints it as "[slack] socket ..." (seen on 2026.9.6).
const SOCKET = String.raw`(?:\[slack\]|slack) socket`;
// Order matters: an auth error line also says "disconnected" or "failed to start".
const PATTERNS: ReadonlyArray<{ pattern: RegExp; toEvent: (match: RegExpExecArray) => SlackLogEvent }> = [
  { pattern: new RegExp(`${SOCKET} mode (?:disconnected|failed to start) due to non-recoverable auth error`), toEvent: () => ({ kind: 'auth-error' }) },
  { pattern: new RegExp(`${SOCKET} mode reports (\\d+) active connections`), toEvent: (match) => ({ kind: 'connections', count: Number(match[1]) }) },
  { pattern: new RegExp(`${SOCKET} mode connected( \\(degraded identity\\))?`), toEvent: (match) => ({ kind: 'connected', isDegradedIdentity: match[1] !== undefined }) },
  { pattern: new RegExp(`${SOCKET} disconnected \\(`), toEvent: () => ({ kind: 'disconnected' }) },
  { pattern: new RegExp(`${SOCKET} mode failed to start`), toEvent: () => ({ kind: 'start-failed' }) },
  { pattern: /\[slack\] \[[^\]]+\] channel exited: (.*)$/, toEvent: (match) => ({ kind: 'channel-exited', reason: (match[1] ?? '').trim() }) },
  { pattern: /\[slack\] \[[^\]]+\] auto-restart skipped, terminal disconnect/, toEvent: () => ({ kind: 'terminal' }) },
];

/** Every line the Slack probe reads contains this (the supervisor's cheap pre-filter). */
export const SLACK_LINE_MARKER = 'slack';

export function parseSlackLogLine(line: string): SlackLogEvent | null {
  if (!line.includes(SLACK_LINE_MARKER)) return null;
  for (const { pattern, toEvent } of PATTERNS) {
    const match = pattern.exec(line);
    if (match) return toEvent(match);
  }
  return null;
}

/** The control socket's wire format: newline-delimited JSON, one request and one reply a line. Pure; no zod, so clawctl starts fast. */
export const PROTOCOL_VERSION = 1;
/** A request line longer than this is refused and the connection closed. */
export const MAX_REQUEST_BYTES = 64 * 1024;
/** A gateway-config candidate (its UTF-8 bytes): `gateway-config-apply` carries it in the request. */
export const MAX_CANDIDATE_BYTES = 1024 * 1024;
/** `gateway-config-apply`'s own line cap: the candidate, JSON-escaped (a quote or newline takes two bytes), and its other params. */
export const MAX_APPLY_REQUEST_BYTES = 3 * MAX_CANDIDATE_BYTES;
// The line's method, read from its start: `{"v":1,"id":..,"method":"..."`, the order clawctl writes (v and id optional, before it).
const METHOD_AT_START = /^\s*\{(?:\s*"(?:v|id)"\s*:\s*(?:"[^"\\]{0,128}"|-?[0-9.eE+]{1,32}|null)\s*,)*\s*"method"\s*:\s*"([a-z-]{1,64})"/;

/** How long a request line may grow, from its first bytes: 64 KiB, or gateway-config-apply's cap when it names that method first. */
export function maxLineBytesOf(lineStart: string): number {
  return METHOD_AT_START.exec(lineStart)?.[1] === 'gateway-config-apply' ? MAX_APPLY_REQUEST_BYTES : MAX_REQUEST_BYTES;
}

export const CONTROL_METHODS = ['status', 'restart', 'resume', 'stop', 'start', 'diagnose', 'logs', 'config-check', 'skill-report', 'skill-forget', 'subscribe', 'cron-step-down', 'gateway-config-apply', 'gateway-config-rollback', 'gateway-config-history', 'gateway-config-diff', 'audit-run'] as const;
export type ControlMethod = (typeof CONTROL_METHODS)[number];

/** What `subscribe` can follow: the status, the gateway's lines, the event journal's new events. */
export const SUBSCRIBE_TOPICS = ['status', 'logs', 'events'] as const;
export type SubscribeTopic = (typeof SUBSCRIBE_TOPICS)[number];
/** A subscriber that leaves this much unread is dropped (with a `subscriber-too-slow` line): it never holds the daemon up. */
export const MAX_SUBSCRIBER_UNREAD_BYTES = 1024 * 1024;

/** Every error code a reply may carry, with what it means (the README lists the same). */
export const CONTROL_ERROR_CODES = {
  'malformed-json': 'the line is not JSON',
  'bad-request': 'the line is JSON but not a request object ({"v":1,"id":..,"method":..,"params":..})',
  'unsupported-version': 'the request asks for a protocol version other than 1',
  'unknown-method': 'no such method',
  'bad-params': 'the params do not fit the method',
  'request-too-large': 'the request line is over 64 KiB (3 MiB for a gateway-config-apply whose "method" comes before its "params"); the connection is closed',
  'request-timeout': 'no complete request line within control.requestTimeoutMs; the connection is closed',
  'incomplete-request': 'the client ended its side before finishing the line',
  'too-many-clients': 'control.maxClients clients are connected already; try again',
  'not-in-diagnose': 'resume asked while the gateway is not in diagnose mode',
  'not-held': 'start asked while the gateway is not held by stop',
  'shutting-down': 'clawsupd is stopping and takes no more orders',
  'skill-write-failed': 'the skill status file could not be written or removed',
  'cron-leader-off': 'cron-step-down asked while cron.leader is not enabled on this node',
  'subscriber-too-slow': 'a subscriber left over 1 MiB of pushes unread; this last line says so and the connection is closed',
  'gateway-config-busy': 'a gateway-config apply or rollback is already running: one at a time',
  'gateway-config-unavailable': 'the live gateway config cannot be read (not JSON5, unreadable), so the gate cannot back it up or compare',
  'gateway-config-unknown': 'no apply with that id in the gateway-config history, or its backup is gone',
  'audit-unavailable': 'audit-run asked, but the audit could not run (no OpenClaw config, or one that cannot be read)',
  internal: 'a bug in clawsupd; the daemon goes on',
} as const;
export type ControlErrorCode = keyof typeof CONTROL_ERROR_CODES;

export type RequestId = string | number | null;

export interface ControlError {
  code: ControlErrorCode;
  message: string;
}

export type ControlReply =
  | { v: typeof PROTOCOL_VERSION; id: RequestId; ok: true; result: unknown }
  | { v: typeof PROTOCOL_VERSION; id: RequestId; ok: false; error: ControlError };

export function buildResult(id: RequestId, result: unknown): ControlReply {
  return { v: PROTOCOL_VERSION, id, ok: true, result: result ?? null };
}

export function buildError(id: RequestId, code: ControlErrorCode, message: string): ControlReply {
  return { v: PROTOCOL_VERSION, id, ok: false, error: { code, message } };
}

/** One pushed change on a subscription: `id` is the subscribe request's. */
export interface ControlPush {
  v: typeof PROTOCOL_VERSION;
  id: RequestId;
  topic: SubscribeTopic;
  value: unknown;
}

export function buildPush(id: RequestId, topic: SubscribeTopic, value: unknown): ControlPush {
  return { v: PROTOCOL_VERSION, id, topic, value };
}

export function encodeLine(value: unknown): string {
  return `${JSON.stringify(value)}\n`;
}

export function isControlMethod(method: unknown): method is ControlMethod {
  return typeof method === 'string' && (CONTROL_METHODS as readonly string[]).includes(method);
}

/** What went wrong with a gateway RPC, and whether trying again later can help. Pure: no I/O, no clock. */

export type GatewayRpcErrorKind =
  | 'invalid-argument' // bad url or options: nothing was sent
  | 'timeout' // the deadline passed
  | 'aborted' // the caller's signal fired
  | 'connect' // the socket could not be opened (refused, reset, DNS)
  | 'closed' // the socket closed before the answer
  | 'protocol' // the gateway spoke something we do not understand, or refused our protocol
  | 'auth' // the connect was refused for credentials (token mismatch, device required)
  | 'unavailable' // the gateway refused for now (still starting): retry later
  | 'rpc' // the call itself answered ok:false
  | 'peer'; // the beforeSendingToken check refused the peer: the token was not sent

/** Where the RPC was when it failed, as messages name it. */
export type RpcStage = 'connect' | 'handshake' | 'call';

/** The flat facts a caller branches on. */
export interface RpcErrorFacts {
  kind: GatewayRpcErrorKind;
  /** The gateway's error code (`INVALID_REQUEST`, `UNAVAILABLE`, `FORBIDDEN`, ...), when it gave one. */
  code: string | undefined;
  /** `details.code` of the gateway's error (`AUTH_TOKEN_MISMATCH`, `MISSING_SCOPE`, ...). */
  detailCode: string | undefined;
  retryable: boolean;
}

/** A failure and what to say about it, without the `gateway rpc METHOD to URL: ` prefix the adapter adds. */
export interface RpcFailure extends RpcErrorFacts {
  detail: string;
}

const RETRYABLE_KINDS: ReadonlySet<GatewayRpcErrorKind> = new Set(['unavailable', 'timeout', 'connect', 'closed']);

// Credentials and device pairing: the gateway's details.code families that mean "not with these credentials".
const AUTH_DETAIL_CODES = /^(AUTH_|DEVICE_|PAIRING_|CONTROL_UI_DEVICE)/;

/** A failure the gateway did not describe (transport, deadline, our own checks): retryable by kind alone. */
export function rpcFailure(kind: GatewayRpcErrorKind, detail: string): RpcFailure {
  return { kind, detail, code: undefined, detailCode: undefined, retryable: RETRYABLE_KINDS.has(kind) };
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function asString(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function kindOf(stage: 'handshake' | 'call', code: string | undefined, detailCode: string | undefined): GatewayRpcErrorKind {
  if (code === 'UNAVAILABLE') return 'unavailable';
  if (stage === 'call') return 'rpc';
  if (code === 'NOT_PAIRED' || (detailCode !== undefined && AUTH_DETAIL_CODES.test(detailCode))) return 'auth';
  return 'protocol'; // PROTOCOL_MISMATCH, invalid connect params
}

/**
 * Classifies a `{type:"res", ok:false, error:{code,message,details?,retryable?}}` frame: a refused connect
 * (`handshake`) is auth, unavailable or protocol; a failed call is unavailable or rpc. The gateway's own
 * `retryable` wins when it gives one.
 */
export function classifyRpcError(frame: Record<string, unknown>, stage: 'handshake' | 'call'): RpcFailure {
  const error = asRecord(frame['error']);
  const code = asString(error?.['code']);
  const detailCode = asString(asRecord(error?.['details'])?.['code']);
  const message = asString(error?.['message']) ?? 'no message';
  const kind = kindOf(stage, code, detailCode);
  const retryableRaw = error?.['retryable'];
  const what = stage === 'handshake' ? 'connect refused' : 'call failed';
  const codes = [code, detailCode].filter((c): c is string => c !== undefined).join('/');
  return {
    kind,
    code,
    detailCode,
    retryable: typeof retryableRaw === 'boolean' ? retryableRaw : RETRYABLE_KINDS.has(kind),
    detail: `${what}${codes ? ` [${codes}]` : ''}: ${message}`,
  };
}

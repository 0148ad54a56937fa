/**
 * The OpenClaw gateway's WebSocket handshake and one call (protocol 4, as openclaw 2026.9.6 speaks it), as a
 * pure step function: a frame in, the next phase and what to send out. The socket is the adapter's
 * (gateway-rpc.ts).
 *
 *   server → {"type":"event","event":"connect.challenge","payload":{"nonce","ts","capabilities"}}
 *   client → {"type":"req","id","method":"connect","params":{minProtocol:4,maxProtocol:4,
 *              client:{id:"gateway-client",version,platform,mode:"backend",displayName?},
 *              role:"operator",scopes:["operator.read"],auth:{token}}}
 *   server → {"type":"res","id","ok":true,"payload":{"type":"hello-ok","protocol":4,...}}
 *            or {"type":"res","id","ok":false,"error":{code,message,details?,retryable?,retryAfterMs?}}
 *   client → {"type":"req","id","method":"channels.status","params":{}}
 *   server → {"type":"res","id","ok":true,"payload":{...}} (events may arrive in between: ignored)
 *
 * No device identity is needed: the gateway lets a `gateway-client`/`backend` operator that passed
 * shared-token auth from loopback, with no Origin header, skip device pairing and keep the scopes it asked
 * for. Any other client id/mode without a device gets its scopes cleared (every call then fails with
 * `missing scope`). Connect params are a closed schema: an unknown property is rejected.
 */
import { classifyRpcError, rpcFailure, type RpcFailure, type RpcStage } from './classify-rpc-error.js';

export const GATEWAY_PROTOCOL_VERSION = 4;
const CLIENT_ID = 'gateway-client';
const CLIENT_MODE = 'backend';
/** Enough for `health`, `status`, `channels.status`. */
export const DEFAULT_SCOPES: readonly string[] = ['operator.read'];

/** Where the exchange stands. `connecting`: the socket is not open yet; the adapter moves it on to `awaiting-challenge`. */
export type HandshakePhase = 'connecting' | 'awaiting-challenge' | 'awaiting-hello' | 'awaiting-result';

export interface HandshakeRequest {
  connectId: string;
  callId: string;
  method: string;
  params: unknown;
  /** The shared gateway token: it travels in the connect frame only. */
  token: string;
  scopes: readonly string[];
  /** Reported as `client.version`; `0.0.0` when empty. */
  clientVersion: string | undefined;
  /** Reported as `client.platform` (`process.platform`, read by the adapter). */
  platform: string;
}

export interface OutgoingFrame {
  frame: Record<string, unknown>;
  /** The connect frame: the adapter may check the peer before it goes out. */
  hasToken: boolean;
}

export type HandshakeStep =
  | { phase: HandshakePhase; send?: OutgoingFrame }
  | { phase: 'done'; result: unknown }
  | { phase: 'done'; error: RpcFailure };

/** How messages name a phase. */
export function stageOf(phase: HandshakePhase): RpcStage {
  if (phase === 'connecting') return 'connect';
  return phase === 'awaiting-result' ? 'call' : 'handshake';
}

function connectFrame(request: HandshakeRequest): Record<string, unknown> {
  return {
    type: 'req',
    id: request.connectId,
    method: 'connect',
    params: {
      minProtocol: GATEWAY_PROTOCOL_VERSION,
      maxProtocol: GATEWAY_PROTOCOL_VERSION,
      client: {
        id: CLIENT_ID,
        displayName: 'clawsup',
        version: request.clientVersion && request.clientVersion.length > 0 ? request.clientVersion : '0.0.0',
        platform: request.platform,
        mode: CLIENT_MODE,
      },
      role: 'operator',
      scopes: [...request.scopes],
      auth: { token: request.token },
    },
  };
}

function parseFrame(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const fail = (detail: string): HandshakeStep => ({ phase: 'done', error: rpcFailure('protocol', detail) });

/**
 * One frame from the gateway: `text` is its text (a binary frame decoded as UTF-8), or undefined for a frame
 * that has none. Frames that are not for us (events, answers to other ids) leave the phase as it was.
 */
export function stepHandshake(phase: HandshakePhase, text: string | undefined, request: HandshakeRequest): HandshakeStep {
  if (text === undefined) return fail('unexpected non-text frame');
  const frame = parseFrame(text);
  if (!frame) return fail('unparseable frame');
  const isWaitingForChallenge = phase === 'connecting' || phase === 'awaiting-challenge';
  if (frame['type'] === 'event') {
    // A repeated challenge after our connect went out is answered once; other events are not ours to handle.
    if (frame['event'] === 'connect.challenge' && isWaitingForChallenge) {
      return { phase: 'awaiting-hello', send: { frame: connectFrame(request), hasToken: true } };
    }
    return { phase };
  }
  if (frame['type'] !== 'res') return { phase };
  const id = frame['id'];
  if (phase === 'awaiting-hello' && id === request.connectId) {
    if (frame['ok'] !== true) return { phase: 'done', error: classifyRpcError(frame, 'handshake') };
    const hello = frame['payload'];
    if (typeof hello !== 'object' || hello === null || (hello as Record<string, unknown>)['type'] !== 'hello-ok') {
      return fail('connect answered without hello-ok');
    }
    const call = { type: 'req', id: request.callId, method: request.method, params: request.params };
    return { phase: 'awaiting-result', send: { frame: call, hasToken: false } };
  }
  if (phase === 'awaiting-result' && id === request.callId) {
    if (frame['ok'] !== true) return { phase: 'done', error: classifyRpcError(frame, 'call') };
    return { phase: 'done', result: frame['payload'] };
  }
  return { phase };
}

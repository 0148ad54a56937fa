/**
 * A minimal client for the OpenClaw gateway's WebSocket RPC (protocol 4, as spoken by
 * openclaw 2026.9.6): one connection, one handshake, one call, then close.
 *
 * The handshake, as the gateway speaks it:
 *   server → {"type":"event","event":"connect.challenge","payload":{"nonce","ts","capabilities"}}
 *   client → {"type":"req","id","method":"connect","params":{minProtocol:4,maxProtocol:4,
 *              client:{id:"gateway-client",version,platform,mode:"backend",displayName?},
 *              role:"operator",scopes:["operator.read"],auth:{token}}}
 *   server → {"type":"res","id","ok":true,"payload":{"type":"hello-ok","protocol":4,...}}
 *            or {"type":"res","id","ok":false,"error":{code,message,details?,retryable?,retryAfterMs?}}
 *   client → {"type":"req","id","method":"channels.status","params":{}}
 *   server → {"type":"res","id","ok":true,"payload":{...}} (events may arrive in between: ignored)
 *
 * No device identity is needed: the gateway lets a `gateway-client`/`backend` operator that
 * passed shared-token auth from loopback, with no Origin header, skip device pairing and keep
 * the scopes it asked for. Any other client id/mode without a device gets its scopes cleared
 * (every call then fails with `missing scope`). Connect params are a closed schema: an
 * unknown property is rejected.
 */
import type { CloseEvent, ErrorEvent, MessageEvent, WebSocket as UndiciWebSocket } from 'undici';

// Loaded on the first call: undici adds ~15 MB to the daemon, and a gateway without a token is never called.
let WebSocket: typeof UndiciWebSocket;

export const GATEWAY_PROTOCOL_VERSION = 4;
const CLIENT_ID = 'gateway-client';
const CLIENT_MODE = 'backend';
const DEFAULT_SCOPES: readonly string[] = ['operator.read'];
const DEFAULT_TIMEOUT_MS = 5_000;

export interface GatewayRpcOptions {
  /** `ws://127.0.0.1:18789` (an `http(s)://` URL is taken to mean the same host and port). */
  url: string;
  /** The shared gateway token (`gateway.auth.token` / `OPENCLAW_GATEWAY_TOKEN`). Never logged. */
  token: string;
  method: string;
  params?: unknown;
  /** One hard deadline over connect, handshake and call. Default 5000 ms. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Operator scopes to ask for. Default `['operator.read']`, enough for `health`, `status`, `channels.status`. */
  scopes?: readonly string[];
  /** Reported to the gateway as `client.version`. */
  clientVersion?: string;
}

export type GatewayRpcErrorKind =
  | 'invalid-argument' // bad url or options: nothing was sent
  | 'timeout' // the deadline passed
  | 'aborted' // the caller's signal fired
  | 'connect' // the socket could not be opened (refused, reset, DNS)
  | 'closed' // the socket closed before the answer
  | 'protocol' // the gateway spoke something we do not understand, or refused our protocol
  | 'auth' // the connect was refused for credentials (token mismatch, device required)
  | 'unavailable' // the gateway refused for now (still starting): retry later
  | 'rpc'; // the call itself answered ok:false

export type GatewayRpcPhase = 'connect' | 'handshake' | 'call';

export class GatewayRpcError extends Error {
  readonly kind: GatewayRpcErrorKind;
  readonly phase: GatewayRpcPhase;
  /** The gateway's error code (`INVALID_REQUEST`, `UNAVAILABLE`, `FORBIDDEN`, ...), when it gave one. */
  readonly code: string | undefined;
  /** `details.code` of the gateway's error (`AUTH_TOKEN_MISMATCH`, `MISSING_SCOPE`, ...). */
  readonly detailCode: string | undefined;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  /** WebSocket close code, when the socket closed under us. */
  readonly closeCode: number | undefined;

  constructor(
    kind: GatewayRpcErrorKind,
    phase: GatewayRpcPhase,
    message: string,
    extra: {
      code?: string | undefined;
      detailCode?: string | undefined;
      retryable?: boolean | undefined;
      retryAfterMs?: number | undefined;
      closeCode?: number | undefined;
    } = {},
  ) {
    super(message);
    this.name = 'GatewayRpcError';
    this.kind = kind;
    this.phase = phase;
    this.code = extra.code;
    this.detailCode = extra.detailCode;
    this.retryable = extra.retryable ?? (kind === 'unavailable' || kind === 'timeout' || kind === 'connect' || kind === 'closed');
    this.retryAfterMs = extra.retryAfterMs;
    this.closeCode = extra.closeCode;
  }
}

export function isGatewayRpcError(error: unknown): error is GatewayRpcError {
  return error instanceof GatewayRpcError;
}

/** Turns `http://`/`ws://` URLs into the ws URL to dial, and a label safe to show (no userinfo, query or fragment). */
function resolveUrl(raw: string): { wsUrl: string; label: string } {
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new GatewayRpcError('invalid-argument', 'connect', 'gateway rpc: the gateway url is not a valid URL');
  }
  if (parsed.protocol === 'http:') parsed.protocol = 'ws:';
  else if (parsed.protocol === 'https:') parsed.protocol = 'wss:';
  if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') {
    throw new GatewayRpcError('invalid-argument', 'connect', `gateway rpc: unsupported url scheme ${parsed.protocol}`);
  }
  return { wsUrl: parsed.href, label: `${parsed.protocol}//${parsed.host}` };
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function asString(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

const AUTH_DETAIL_CODES = /^(AUTH_|DEVICE_|PAIRING_|CONTROL_UI_DEVICE)/;

/**
 * Opens a WebSocket to the gateway, authenticates with the shared token, calls one method and
 * returns its payload. Rejects with a {@link GatewayRpcError}; the socket is closed on every path.
 */
export async function callGatewayRpc(options: GatewayRpcOptions): Promise<unknown> {
  WebSocket ??= (await import('undici')).WebSocket;
  return callWithWebSocket(options);
}

function callWithWebSocket(options: GatewayRpcOptions): Promise<unknown> {
  const { token, method } = options;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  // Every message that leaves this module goes through here: the token never does.
  const clean = (text: string): string => (token.length > 0 ? text.split(token).join('[REDACTED]') : text);
  const fail = (
    kind: GatewayRpcErrorKind,
    phase: GatewayRpcPhase,
    message: string,
    extra?: ConstructorParameters<typeof GatewayRpcError>[3],
  ): GatewayRpcError => new GatewayRpcError(kind, phase, clean(message), extra);

  return new Promise<unknown>((resolve, reject) => {
    if (typeof token !== 'string' || token.length === 0) {
      reject(fail('invalid-argument', 'connect', 'gateway rpc: a gateway token is required'));
      return;
    }
    if (typeof method !== 'string' || method.length === 0) {
      reject(fail('invalid-argument', 'connect', 'gateway rpc: a method is required'));
      return;
    }
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
      reject(fail('invalid-argument', 'connect', 'gateway rpc: timeoutMs must be a positive number'));
      return;
    }
    let target: { wsUrl: string; label: string };
    try {
      target = resolveUrl(options.url);
    } catch (error) {
      reject(error);
      return;
    }
    const { label } = target;
    if (options.signal?.aborted) {
      reject(fail('aborted', 'connect', `gateway rpc ${method} to ${label}: aborted before connecting`));
      return;
    }

    let phase: GatewayRpcPhase = 'connect';
    let settled = false;
    let connectSent = false;
    const idSuffix = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
    const connectId = `connect-${idSuffix}`;
    const callId = `call-${idSuffix}`;

    let ws: UndiciWebSocket;
    try {
      ws = new WebSocket(target.wsUrl);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      reject(fail('connect', 'connect', `gateway rpc ${method} to ${label}: cannot open a websocket: ${why}`));
      return;
    }
    ws.binaryType = 'arraybuffer';
    let timer: ReturnType<typeof setTimeout> | undefined;

    const finish = (error: GatewayRpcError | undefined, value?: unknown): void => {
      if (settled) return;
      settled = true;
      if (timer !== undefined) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      ws.removeEventListener('open', onOpen);
      ws.removeEventListener('message', onMessage);
      ws.removeEventListener('error', onError);
      ws.removeEventListener('close', onClose);
      try {
        if (ws.readyState === WebSocket.CONNECTING || ws.readyState === WebSocket.OPEN) ws.close(1000, 'done');
      } catch {
        // closing is best effort: the socket is dropped either way
      }
      if (error) reject(error);
      else resolve(value);
    };

    timer = setTimeout(() => {
      finish(fail('timeout', phase, `gateway rpc ${method} to ${label}: no answer within ${timeoutMs} ms (during ${phase})`));
    }, timeoutMs);

    const onAbort = (): void => {
      finish(fail('aborted', phase, `gateway rpc ${method} to ${label}: aborted (during ${phase})`));
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });

    const onOpen = (): void => {
      phase = 'handshake';
    };

    const onError = (event: ErrorEvent): void => {
      const inner: unknown = event.error;
      const why = inner instanceof Error ? inner.message : asString(event.message);
      if (phase === 'connect') {
        finish(fail('connect', phase, `gateway rpc ${method} to ${label}: cannot connect${why ? `: ${why}` : ''}`));
      } else {
        finish(fail('closed', phase, `gateway rpc ${method} to ${label}: websocket error${why ? `: ${why}` : ''}`));
      }
    };

    const onClose = (event: CloseEvent): void => {
      const reason = event.reason ? `: ${event.reason}` : '';
      const kind: GatewayRpcErrorKind = phase === 'connect' ? 'connect' : 'closed';
      finish(
        fail(kind, phase, `gateway rpc ${method} to ${label}: connection closed (${event.code}${reason}) during ${phase}`, {
          closeCode: event.code,
        }),
      );
    };

    const sendFrame = (frame: unknown): boolean => {
      try {
        ws.send(JSON.stringify(frame));
        return true;
      } catch (error) {
        const why = error instanceof Error ? error.message : String(error);
        finish(fail('closed', phase, `gateway rpc ${method} to ${label}: send failed: ${why}`));
        return false;
      }
    };

    const sendConnect = (): void => {
      if (connectSent) return;
      connectSent = true;
      const client: Record<string, unknown> = {
        id: CLIENT_ID,
        displayName: 'clawsup',
        version: options.clientVersion && options.clientVersion.length > 0 ? options.clientVersion : '0.0.0',
        platform: process.platform,
        mode: CLIENT_MODE,
      };
      sendFrame({
        type: 'req',
        id: connectId,
        method: 'connect',
        params: {
          minProtocol: GATEWAY_PROTOCOL_VERSION,
          maxProtocol: GATEWAY_PROTOCOL_VERSION,
          client,
          role: 'operator',
          scopes: [...(options.scopes ?? DEFAULT_SCOPES)],
          auth: { token },
        },
      });
    };

    const errorFrom = (frame: Record<string, unknown>, inPhase: GatewayRpcPhase): GatewayRpcError => {
      const error = asRecord(frame['error']);
      const code = asString(error?.['code']);
      const message = asString(error?.['message']) ?? 'no message';
      const details = asRecord(error?.['details']);
      const detailCode = asString(details?.['code']);
      const retryAfterRaw = error?.['retryAfterMs'];
      const retryAfterMs = typeof retryAfterRaw === 'number' && Number.isFinite(retryAfterRaw) ? retryAfterRaw : undefined;
      const retryableRaw = error?.['retryable'];
      let kind: GatewayRpcErrorKind = 'rpc';
      if (inPhase === 'handshake') {
        if (code === 'UNAVAILABLE') kind = 'unavailable';
        else if (code === 'NOT_PAIRED' || (detailCode !== undefined && AUTH_DETAIL_CODES.test(detailCode))) kind = 'auth';
        else kind = 'protocol'; // PROTOCOL_MISMATCH, invalid connect params
      } else if (code === 'UNAVAILABLE') {
        kind = 'unavailable';
      }
      const what = inPhase === 'handshake' ? 'connect refused' : 'call failed';
      const codes = [code, detailCode].filter((c): c is string => c !== undefined).join('/');
      return fail(kind, inPhase, `gateway rpc ${method} to ${label}: ${what}${codes ? ` [${codes}]` : ''}: ${message}`, {
        code,
        detailCode,
        retryable: typeof retryableRaw === 'boolean' ? retryableRaw : kind === 'unavailable',
        retryAfterMs,
      });
    };

    const onMessage = (event: MessageEvent): void => {
      if (settled) return;
      const data: unknown = event.data;
      const text =
        typeof data === 'string' ? data : data instanceof ArrayBuffer ? new TextDecoder().decode(data) : undefined;
      if (text === undefined) {
        finish(fail('protocol', phase, `gateway rpc ${method} to ${label}: unexpected non-text frame`));
        return;
      }
      let frame: Record<string, unknown> | undefined;
      try {
        frame = asRecord(JSON.parse(text));
      } catch {
        frame = undefined;
      }
      if (!frame) {
        finish(fail('protocol', phase, `gateway rpc ${method} to ${label}: unparseable frame`));
        return;
      }
      const type = frame['type'];
      if (type === 'event') {
        if (frame['event'] === 'connect.challenge' && phase !== 'call') {
          phase = 'handshake';
          sendConnect();
        }
        return; // other events (health, tick, presence, ...) are not ours to handle
      }
      if (type !== 'res') return;
      const id = frame['id'];
      if (id === connectId) {
        if (frame['ok'] !== true) {
          finish(errorFrom(frame, 'handshake'));
          return;
        }
        const hello = asRecord(frame['payload']);
        if (hello?.['type'] !== 'hello-ok') {
          finish(fail('protocol', 'handshake', `gateway rpc ${method} to ${label}: connect answered without hello-ok`));
          return;
        }
        phase = 'call';
        sendFrame({ type: 'req', id: callId, method, params: options.params ?? {} });
        return;
      }
      if (id === callId) {
        if (frame['ok'] !== true) finish(errorFrom(frame, 'call'));
        else finish(undefined, frame['payload']);
      }
    };

    ws.addEventListener('open', onOpen);
    ws.addEventListener('message', onMessage);
    ws.addEventListener('error', onError);
    ws.addEventListener('close', onClose);
  });
}

import { readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { readToken, type InventoryNode } from './inventory.js';
import { checkViewShape } from './view-shape.js';
import type { NodeView } from './fleet-view-model.js';

export const VIEW_PATH = '/api/v1/view';
export const DEFAULT_TIMEOUT_MS = 3_000;
/** A whole day of a busy node's journal is well under this; more is a node (or an impostor) gone wrong. */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

export interface FetchOptions {
  /** The deadline over the whole exchange: connect, TLS, headers and the last byte of the body. */
  timeoutMs: number;
  maxBodyBytes: number;
}

export type NodeAnswer = { ok: true; view: NodeView } | { ok: false; error: string };

/** Asks one node for its view; never throws, never hangs past the deadline, never says the token. */
export async function fetchNodeView(node: InventoryNode, options: FetchOptions): Promise<NodeAnswer> {
  const body = await fetchJson(node, VIEW_PATH, options);
  if (!body.ok) return body;
  return checkViewShape(body.value);
}

export type JsonAnswer = { ok: true; value: unknown } | { ok: false; error: string };

/** GETs a path of the node's API as JSON, with the same deadline, cap and error words as the view. */
export function fetchJson(node: InventoryNode, path: string, { timeoutMs, maxBodyBytes }: FetchOptions): Promise<JsonAnswer> {
  return new Promise((resolve) => {
    let request: ReturnType<typeof httpRequest> | undefined;
    let isSettled = false;
    const settle = (answer: JsonAnswer): void => {
      if (isSettled) return;
      isSettled = true;
      clearTimeout(timer);
      request?.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => settle({ ok: false, error: `no whole answer within ${timeoutMs} ms` }), timeoutMs);
    let token: string;
    let ca: string | undefined;
    try {
      token = readToken(node);
      ca = node.caFile === null ? undefined : readFileSync(node.caFile, 'utf8');
    } catch (error) {
      settle({ ok: false, error: `cannot read its token or CA file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` });
      return;
    }
    const url = new URL(path, `${node.url}/`);
    const isHttps = url.protocol === 'https:';
    const headers = { authorization: `Bearer ${token}`, accept: 'application/json' };
    try {
      request = isHttps ? httpsRequest(url, { headers, ca, agent: false }) : httpRequest(url, { headers, agent: false });
    } catch (error) {
      settle({ ok: false, error: `cannot ask: ${(error as Error).message}` });
      return;
    }
    request.on('error', (error: NodeJS.ErrnoException) => settle({ ok: false, error: describeRequestError(error) }));
    request.on('response', (response) => readBody(response, maxBodyBytes, settle));
    request.end();
  });
}

function readBody(response: IncomingMessage, maxBodyBytes: number, settle: (answer: JsonAnswer) => void): void {
  const status = response.statusCode ?? 0;
  if (status === 401 || status === 403) return settle({ ok: false, error: `HTTP ${status}: the node refused the token (check tokenFile)` });
  if (status !== 200) return settle({ ok: false, error: `HTTP ${status}${status === 404 ? ': no node API at this URL (is this clawsup with the fleet view?)' : ''}` });
  const type = String(response.headers['content-type'] ?? '');
  if (!/^application\/json\b/i.test(type)) return settle({ ok: false, error: `answered ${type.split(';')[0] || 'no content type'}, not JSON (is this URL a clawsup node?)` });
  const declared = Number(response.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBodyBytes) return settle({ ok: false, error: `answer of ${declared} bytes is over the ${maxBodyBytes}-byte limit` });
  const chunks: Buffer[] = [];
  let size = 0;
  response.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > maxBodyBytes) return settle({ ok: false, error: `answer is over the ${maxBodyBytes}-byte limit` });
    chunks.push(chunk);
  });
  response.on('error', (error) => settle({ ok: false, error: `answer cut off: ${error.message}` }));
  response.on('end', () => {
    try {
      settle({ ok: true, value: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
    } catch {
      settle({ ok: false, error: 'answered something that is not JSON' });
    }
  });
}

const REQUEST_ERRORS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused (clawsupd not running, or http.listen not on this port)',
  ECONNRESET: 'connection reset by the node',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'no such host name',
  EAI_AGAIN: 'host name lookup failed (try again)',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'TLS: the certificate is self-signed and not trusted (give this node a caFile)',
  SELF_SIGNED_CERT_IN_CHAIN: 'TLS: the certificate chain ends in an untrusted CA (give this node a caFile)',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS: the certificate is not signed by a trusted CA (wrong caFile?)',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'TLS: the certificate is not signed by a trusted CA (wrong caFile?)',
  CERT_HAS_EXPIRED: 'TLS: the certificate has expired',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS: the certificate is for another host name than the URL\'s',
  EPROTO: 'TLS handshake failed (is the URL https:// for an http listener, or the other way round?)',
  HPE_INVALID_CONSTANT: 'answered something that is not HTTP',
};

function describeRequestError(error: NodeJS.ErrnoException): string {
  const code = error.code ?? '';
  return REQUEST_ERRORS[code] ?? (code.startsWith('HPE_') ? `answered something that is not HTTP (${code})` : `${code || 'request failed'}: ${error.message}`);
}

import { request } from 'undici';
import type { HttpProbeResult } from '../core/probe-report.js';

// A health answer is a few hundred bytes: anything past this is not parsed.
const MAX_BODY_BYTES = 64 * 1024;

export interface HttpProbeOptions {
  timeoutMs: number;
  /** Sent as a bearer token (the gateway's /readyz gives full detail to it); never logged. */
  token?: string | null;
}

/** One GET with a hard deadline over connect, headers and body; every failure comes back as `error`, never thrown. */
export async function probeHttp(url: string, options: HttpProbeOptions): Promise<HttpProbeResult> {
  const startedAt = performance.now();
  const signal = AbortSignal.timeout(options.timeoutMs);
  const elapsedMs = (): number => Math.round(performance.now() - startedAt);
  try {
    const response = await request(url, {
      method: 'GET',
      signal,
      headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
    });
    const text = await readLimited(response.body);
    return { statusCode: response.statusCode, body: parseJson(text), latencyMs: elapsedMs(), error: null };
  } catch (error) {
    const why = signal.aborted ? `no answer within ${options.timeoutMs} ms` : describeCause(error);
    return { statusCode: null, body: null, latencyMs: elapsedMs(), error: `GET ${url}: ${why}` };
  }
}

async function readLimited(body: AsyncIterable<Buffer> & { destroy(): unknown }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      body.destroy();
      break;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function describeCause(error: unknown): string {
  const err = error as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
  return err.cause?.code ?? err.code ?? err.message ?? String(error);
}

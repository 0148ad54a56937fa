import type { CheckPlan } from './capability.js';
import { judgeListModels, type CheckVerdict, type ListModelsAnswer } from './list-models-verdict.js';

type ListModelsPlan = Extract<CheckPlan, { method: 'list-models' }>;

// Enough for a list of a few hundred models; a provider that streams more is cut off, not read forever.
const MAX_BODY_BYTES = 512 * 1024;

/**
 * GET {baseUrl}/models with the key: no tokens spent. Redirects are not followed (a loop ends at once), and the
 * deadline covers the body as well as the headers. `detail` is not redacted here.
 */
export async function fetchListModels(plan: ListModelsPlan, signal: AbortSignal): Promise<ListModelsAnswer> {
  const response = await fetch(`${plan.baseUrl.replace(/\/+$/, '')}/models`, {
    headers: { authorization: `Bearer ${plan.apiKey}`, accept: 'application/json' },
    redirect: 'manual',
    signal,
  });
  const body = await readLimited(response);
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', body, location: response.headers.get('location') };
}

/** The opt-in live check (`audit.liveModelCalls`): one completion of at most one token. */
export async function checkCompletion(plan: ListModelsPlan, signal: AbortSignal): Promise<CheckVerdict> {
  const response = await fetch(`${plan.baseUrl.replace(/\/+$/, '')}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${plan.apiKey}`, 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ model: plan.model, max_tokens: 1, messages: [{ role: 'user', content: 'ping' }] }),
    redirect: 'manual',
    signal,
  });
  const body = await readLimited(response);
  if (response.status >= 200 && response.status < 300) return { result: 'ok', detail: 'a one-token completion answered' };
  const verdict = judgeListModels({ status: response.status, contentType: response.headers.get('content-type') ?? '', body, location: response.headers.get('location') }, null);
  return { result: verdict.result === 'unverified' ? 'unverified' : 'failed', detail: `completion: ${verdict.detail}` };
}

async function readLimited(response: Response): Promise<string> {
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    total += value.byteLength;
    if (total >= MAX_BODY_BYTES) {
      await reader.cancel();
      break;
    }
  }
  return Buffer.concat(chunks).toString('utf8');
}

import type { CheckResult } from './capability.js';

/** What came back from GET {baseUrl}/models, read no further than a few kilobytes. */
export interface ListModelsAnswer {
  status: number;
  contentType: string;
  body: string;
  location: string | null;
}

export interface CheckVerdict {
  result: CheckResult;
  detail: string;
}

const MAX_DETAIL_CHARS = 240;

/** A provider's answer to its list-models endpoint, judged for one model; `detail` is not redacted yet. */
export function judgeListModels(answer: ListModelsAnswer, model: string | null): CheckVerdict {
  const { status } = answer;
  if (status >= 300 && status < 400) {
    return { result: 'failed', detail: `HTTP ${status}: redirected${answer.location ? ` to ${answer.location}` : ''} (not followed: a provider's API does not redirect)` };
  }
  const parsed = parseJson(answer.body);
  if (status === 401 || status === 403) return { result: 'failed', detail: `HTTP ${status}: the provider rejected the key: ${describeBody(answer, parsed)}` };
  // No list-models endpoint, or one that is rate limited, says nothing about the key.
  if (status === 404 || status === 405) return { result: 'unverified', detail: `HTTP ${status}: the provider has no list-models endpoint: ${describeBody(answer, parsed)}` };
  if (status === 429) return { result: 'unverified', detail: `HTTP 429: rate limited, the key not judged: ${describeBody(answer, parsed)}` };
  if (status < 200 || status >= 300) return { result: 'failed', detail: `HTTP ${status}: ${describeBody(answer, parsed)}` };
  if (parsed === undefined) return { result: 'failed', detail: `HTTP ${status} but not a model list: ${describeBody(answer, parsed)}` };
  const ids = listModelIds(parsed);
  if (ids === null) return { result: 'failed', detail: `HTTP ${status} but no "data" list of models in the answer` };
  if (model !== null && ids.length > 0 && !ids.includes(model)) {
    return { result: 'failed', detail: `the key is accepted, but ${model} is not among the ${ids.length} models the provider lists` };
  }
  return { result: 'ok', detail: `key accepted; ${ids.length} models listed` };
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

function listModelIds(parsed: unknown): string[] | null {
  const data = typeof parsed === 'object' && parsed !== null ? (parsed as { data?: unknown }).data : undefined;
  if (!Array.isArray(data)) return null;
  return data.flatMap((entry) => {
    const id = typeof entry === 'object' && entry !== null ? (entry as { id?: unknown }).id : undefined;
    return typeof id === 'string' ? [id] : [];
  });
}

/** The provider's own words: its JSON error message, an HTML page's title, or the start of its text. */
function describeBody(answer: ListModelsAnswer, parsed: unknown): string {
  if (parsed !== undefined) {
    const message = findErrorMessage(parsed);
    return clip(message ?? JSON.stringify(parsed));
  }
  if (/html/i.test(answer.contentType) || /^\s*<(?:!doctype|html)/i.test(answer.body)) {
    const title = /<title[^>]*>([^<]*)<\/title>/i.exec(answer.body)?.[1]?.trim();
    return `an HTML page${title ? ` ("${clip(title)}")` : ''}, not an API answer`;
  }
  const text = answer.body.replace(/\s+/g, ' ').trim();
  return text.length > 0 ? clip(text) : 'an empty body';
}

function findErrorMessage(parsed: unknown): string | null {
  if (typeof parsed !== 'object' || parsed === null) return null;
  const record = parsed as { error?: unknown; message?: unknown; detail?: unknown };
  if (typeof record.error === 'string') return record.error;
  if (typeof record.error === 'object' && record.error !== null) {
    const message = (record.error as { message?: unknown }).message;
    if (typeof message === 'string') return message;
  }
  if (typeof record.message === 'string') return record.message;
  return typeof record.detail === 'string' ? record.detail : null;
}

function clip(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length > MAX_DETAIL_CHARS ? `${oneLine.slice(0, MAX_DETAIL_CHARS)}…` : oneLine;
}

export type PostOutcome = { ok: true; statusCode: number } | { ok: false; error: string };

/** A receiver's HTTP status as a delivery outcome, with what it likely means where that is known. */
export function describeAnswer(statusCode: number): PostOutcome {
  if (statusCode >= 200 && statusCode < 300) return { ok: true, statusCode };
  if (statusCode >= 300 && statusCode < 400) {
    return { ok: false, error: `answered HTTP ${statusCode} (a redirect): not followed; put the URL it redirects to in the config` };
  }
  if (statusCode === 404 || statusCode === 410) return { ok: false, error: `answered HTTP ${statusCode}: no webhook at this URL (revoked, or mistyped?)` };
  if (statusCode === 401 || statusCode === 403) return { ok: false, error: `answered HTTP ${statusCode}: refused (a revoked webhook, or one that needs credentials?)` };
  if (statusCode === 400) return { ok: false, error: 'answered HTTP 400: the receiver refused the message (is the format right for it: slack or json?)' };
  return { ok: false, error: `answered HTTP ${statusCode}` };
}

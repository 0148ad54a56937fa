import type { CheckVerdict } from './list-models-verdict.js';

/**
 * What `openclaw models status --json --check` says against a capability: a route with missing or expired auth, a
 * provider in use with no credentials, an unusable auth profile. An indeterminate route only explains an unverified one.
 */
export interface ModelsStatusFinding extends CheckVerdict {
  id: string;
  /** Only a note: it never overrides a verdict clawsup reached itself. */
  isNoteOnly: boolean;
}

type Json = Record<string, unknown>;
const asRecord = (value: unknown): Json | undefined => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined);
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const asString = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

export function readModelsStatus(output: unknown, modelIds: readonly string[]): ModelsStatusFinding[] {
  const auth = asRecord(asRecord(output)?.['auth']);
  if (auth === undefined) return [];
  const findings: ModelsStatusFinding[] = [];
  for (const issue of asArray(auth['modelRouteIssues']).map(asRecord)) {
    const provider = asString(issue?.['provider']);
    const model = asString(issue?.['model']);
    if (provider === null || model === null) continue;
    const kind = asString(issue?.['kind']) ?? 'issue';
    const message = asString(issue?.['message']) ?? kind;
    findings.push({ id: `model:${provider}/${model}`, result: kind === 'indeterminate' ? 'unverified' : 'failed', detail: `openclaw models status: ${message}`, isNoteOnly: kind === 'indeterminate' });
  }
  for (const provider of asArray(auth['missingProvidersInUse']).map(asString)) {
    if (provider === null) continue;
    for (const id of modelIds.filter((candidate) => candidate.startsWith(`model:${provider}/`))) {
      findings.push({ id, result: 'failed', detail: `openclaw models status: no credentials for provider ${provider}`, isNoteOnly: false });
    }
  }
  for (const profile of asArray(auth['unusableProfiles']).map(asRecord)) {
    const profileId = asString(profile?.['profileId']) ?? asString(profile?.['id']);
    if (profileId === null) continue;
    const reason = asString(profile?.['reason']) ?? asString(profile?.['kind']) ?? 'unusable';
    findings.push({ id: `auth:${profileId}`, result: 'failed', detail: `openclaw models status: unusable profile (${reason})`, isNoteOnly: false });
  }
  return findings;
}

/** What the daemon knows of one skill file; `record` is null when the file is missing or unreadable. */
export interface SkillFacts {
  name: string;
  record: {
    status: 'running' | 'success' | 'failure' | 'timeout';
    startedAt: string;
    finishedAt: string | null;
    exitCode: number | null;
    message: string | null;
    host: string;
    lastSuccessAt: string | null;
  } | null;
  /** Why the file could not be read, when it could not. */
  problem: string | null;
}

export type SkillState = 'ok' | 'running' | 'failing' | 'stale' | 'unknown';

export interface SkillView {
  state: SkillState;
  status: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  lastSuccessAt: string | null;
  maxAgeMs: number | null;
  /** When a skill with a maxAgeMs goes (or went) stale; null without one. */
  staleAt: string | null;
  exitCode: number | null;
  message: string | null;
  host: string | null;
}

export interface SkillsVerdict {
  view: Record<string, SkillView>;
  /** `skill-stale:NAME` and `skill-failing:NAME`, sorted: the node is degraded while there are any. */
  reasons: string[];
  /** The next moment a skill goes stale without any file changing; null when none will. */
  nextCheckAtMs: number | null;
}

/**
 * Judges every skill: configured ones (`maxAgeMs`) and any that has a file. A configured skill that never
 * succeeded is measured from `baselineMs` (the daemon's start), so a fresh node is not degraded at once.
 */
export function judgeSkills(
  facts: readonly SkillFacts[],
  maxAgeByName: Readonly<Record<string, { maxAgeMs: number }>>,
  nowMs: number,
  baselineMs: number,
): SkillsVerdict {
  const byName = new Map(facts.map((fact) => [fact.name, fact]));
  const names = [...new Set([...Object.keys(maxAgeByName), ...byName.keys()])].sort();
  const view: Record<string, SkillView> = {};
  const reasons: string[] = [];
  let nextCheckAtMs: number | null = null;
  for (const name of names) {
    const record = byName.get(name)?.record ?? null;
    const maxAgeMs = maxAgeByName[name]?.maxAgeMs ?? null;
    const lastSuccessMs = record?.lastSuccessAt ? Date.parse(record.lastSuccessAt) : Number.NaN;
    const staleAtMs = maxAgeMs === null ? null : (Number.isNaN(lastSuccessMs) ? baselineMs : lastSuccessMs) + maxAgeMs;
    const isStale = staleAtMs !== null && nowMs >= staleAtMs;
    const isFailing = record?.status === 'failure' || record?.status === 'timeout';
    if (isStale) reasons.push(`skill-stale:${name}`);
    if (isFailing) reasons.push(`skill-failing:${name}`);
    if (staleAtMs !== null && !isStale && (nextCheckAtMs === null || staleAtMs < nextCheckAtMs)) nextCheckAtMs = staleAtMs;
    view[name] = {
      state: stateOf(record?.status ?? null, isStale, isFailing),
      status: record?.status ?? null,
      startedAt: record?.startedAt ?? null,
      finishedAt: record?.finishedAt ?? null,
      lastSuccessAt: record?.lastSuccessAt ?? null,
      maxAgeMs,
      staleAt: staleAtMs === null ? null : new Date(staleAtMs).toISOString(),
      exitCode: record?.exitCode ?? null,
      message: record?.message ?? byName.get(name)?.problem ?? null,
      host: record?.host ?? null,
    };
  }
  return { view, reasons, nextCheckAtMs };
}

function stateOf(status: string | null, isStale: boolean, isFailing: boolean): SkillState {
  if (isFailing) return 'failing';
  if (isStale) return 'stale';
  if (status === 'running') return 'running';
  if (status === 'success') return 'ok';
  return 'unknown';
}

import { skillNamePattern } from './skill-name.js';
import { exitCodeForMode, STATUS_EXIT } from '../cli/status-exit-code.js';
import { checkSkillRecord } from './skill-facts.js';
import { judgeSkills, type SkillFacts } from './skill-verdict.js';

/** What clawsup-node-status read: status.json and the skill files may be of any shape (another version, a damaged file). */
export interface NodeFacts {
  /** status.json as a parsed object; null when there is none. */
  status: Record<string, unknown> | null;
  /** status.json was written on this host by a clawsupd that is still running. */
  isDaemonAlive: boolean;
  /** Each skill file's parsed JSON object, by skill name. */
  skillFiles: ReadonlyArray<{ name: string; path: string; value: unknown }>;
  nowMs: number;
}

/** One skill as node-status shows it: fields straight from a view, so of any type. */
export interface NodeSkillLine {
  name: string;
  state: unknown;
  lastSuccessAt: unknown;
  message: unknown;
}

export interface NodeVerdict {
  /** The monitoring-plugin convention, as `clawctl status` (STATUS_EXIT). */
  exitCode: number;
  /** The verdict line is `${VERDICT_WORDS[exitCode]}: ${summary}`. */
  summary: string;
  reasons: string[];
  skills: NodeSkillLine[];
}

export const VERDICT_WORDS: Readonly<Record<number, string>> = { 0: 'OK', 1: 'WARNING', 2: 'CRITICAL', 3: 'UNKNOWN' };

type Loose = Record<string, unknown>;
const asObject = (value: unknown): Loose => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Loose) : {});
const describeValue = (value: unknown): string => (typeof value === 'string' ? value : (JSON.stringify(value) ?? 'missing'));

/**
 * One verdict, computed once. A live clawsupd has judged the node and written it to status.json: report that, with
 * `clawctl status`'s exit code for its mode. With none running, judge the skill files with the daemon's own judgeSkills,
 * against the skills config the daemon last ran with (status.json's `skills`, each with its `maxAgeMs`).
 */
export function judgeNode(facts: NodeFacts): NodeVerdict {
  return facts.isDaemonAlive && facts.status !== null ? reportDaemonVerdict(facts.status) : judgeWithoutDaemon(facts);
}

function reportDaemonVerdict(status: Loose): NodeVerdict {
  const reasons = (Array.isArray(status.reasons) ? status.reasons : []).map(describeValue);
  const exitCode = exitCodeForMode(status.mode);
  const summary = status.mode === 'healthy' && reasons.length === 0 ? 'all good' : [describeValue(status.mode), ...(reasons.length > 0 ? [reasons.join(', ')] : [])].join(': ');
  const skills = Object.entries(asObject(status.skills)).map(([name, view]) => toLine(name, asObject(view)));
  return { exitCode, summary, reasons, skills };
}

function judgeWithoutDaemon(facts: NodeFacts): NodeVerdict {
  const recorded = asObject(facts.status?.skills);
  const skillFacts: Array<SkillFacts & { recordedMaxAgeMs: number | null }> = facts.skillFiles.map(({ name, path, value }) => {
    const checked = checkSkillRecord(path, name, value);
    return { name, ...checked, recordedMaxAgeMs: checked.record?.maxAgeMs ?? null };
  });
  // A skill status.json lists is judged by the config the daemon had (null maxAgeMs: not configured); any other by
  // the maxAgeMs clawctl wrote into its file, the config it saw (no daemon has run since it was configured).
  const maxAges = new Map<string, number>();
  for (const [name, view] of Object.entries(recorded)) {
    const { maxAgeMs } = asObject(view);
    if (skillNamePattern.test(name) && Number.isInteger(maxAgeMs) && (maxAgeMs as number) > 0) maxAges.set(name, maxAgeMs as number);
  }
  for (const fact of skillFacts) {
    if (!Object.hasOwn(recorded, fact.name) && fact.recordedMaxAgeMs !== null) maxAges.set(fact.name, fact.recordedMaxAgeMs);
  }
  // A configured skill that never succeeded is measured from the daemon's last start, as the daemon measured it.
  const daemonStartedAt = asObject(facts.status?.daemon).startedAt;
  const startedMs = typeof daemonStartedAt === 'string' ? Date.parse(daemonStartedAt) : Number.NaN;
  const baselineMs = Number.isFinite(startedMs) ? startedMs : facts.nowMs;
  const maxAgeByName = Object.fromEntries([...maxAges].map(([name, maxAgeMs]) => [name, { maxAgeMs }]));
  const verdict = judgeSkills(skillFacts, maxAgeByName, facts.nowMs, baselineMs);
  const views = Object.entries(verdict.view);
  const isAnySkillWorking = views.some(([, view]) => view.state === 'ok' || view.state === 'running');
  const skills = views.map(([name, view]) => toLine(name, view as unknown as Loose));
  // No daemon runs the gateway: the node is down, CRITICAL as `stopped` is, unless the skills still do their work.
  return verdict.reasons.length === 0 && isAnySkillWorking
    ? { exitCode: STATUS_EXIT.warning, summary: 'gateway down but skills running (degraded)', reasons: verdict.reasons, skills }
    : { exitCode: STATUS_EXIT.critical, summary: 'everything down', reasons: verdict.reasons, skills };
}

function toLine(name: string, view: Loose): NodeSkillLine {
  return { name, state: view.state, lastSuccessAt: view.lastSuccessAt, message: view.message };
}

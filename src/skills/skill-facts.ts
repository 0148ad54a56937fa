import { checkSkillRecordShape, type SkillRecord } from './skill-record.js';

/** A skill file's parsed JSON, checked as the daemon checks it: the record, or why it is not one (never trusted). */
export function checkSkillRecord(path: string, name: string, value: unknown): { record: SkillRecord | null; problem: string | null } {
  const checked = checkSkillRecordShape(value, []);
  if (!checked.ok) return { record: null, problem: `${path}: not a skill record: ${checked.path.length > 0 ? `${checked.path.join('.')}: ` : ''}${checked.message}` };
  if (checked.value.name !== name) return { record: null, problem: `${path}: names skill ${checked.value.name}` };
  return { record: checked.value, problem: null };
}

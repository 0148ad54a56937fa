import { skillRecordSchema, type SkillRecord } from './skill-record.js';

/** A skill file's parsed JSON, checked as the daemon checks it: the record, or why it is not one (never trusted). */
export function checkSkillRecord(path: string, name: string, value: unknown): { record: SkillRecord | null; problem: string | null } {
  const parsed = skillRecordSchema.safeParse(value);
  if (!parsed.success) return { record: null, problem: `${path}: not a skill record: ${parsed.error.issues[0]?.message ?? 'invalid'}` };
  if (parsed.data.name !== name) return { record: null, problem: `${path}: names skill ${parsed.data.name}` };
  return { record: parsed.data, problem: null };
}

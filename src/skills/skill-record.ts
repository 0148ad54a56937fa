import { anInteger, anIsoTime, aString, nullable, oneOf, strictObject, type CheckedType } from '../check-value.js';
import { SKILL_NAME_HINT, skillNamePattern } from './skill-name.js';

export const SKILL_STATUSES = ['running', 'success', 'failure', 'timeout'] as const;
export type SkillStatus = (typeof SKILL_STATUSES)[number];

export const MAX_SKILL_MESSAGE_CHARS = 4096;

/** status.dir/skills/NAME.json: the last run of one skill, written by clawctl (or by clawsupd for a client over the socket). */
export const checkSkillRecordShape = strictObject({
  name: aString({ pattern: skillNamePattern, patternHint: SKILL_NAME_HINT }),
  status: oneOf(SKILL_STATUSES),
  startedAt: anIsoTime,
  finishedAt: nullable(anIsoTime),
  durationMs: nullable(anInteger({ min: 0 })),
  exitCode: nullable(anInteger()),
  message: nullable(aString({ maxLength: MAX_SKILL_MESSAGE_CHARS })),
  host: aString({ maxLength: 255 }),
  /** Carried over from run to run, so that a failing or running skill still tells when it last worked. */
  lastSuccessAt: nullable(anIsoTime),
  /** The skill's `skills.NAME.maxAgeMs` when it was written, so a reader with no config can judge staleness. */
  maxAgeMs: nullable(anInteger({ min: 1 })),
});

export type SkillRecord = CheckedType<typeof checkSkillRecordShape>;

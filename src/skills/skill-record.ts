import { z } from 'zod';
import { skillNamePattern } from '../config/schema.js';

export const SKILL_STATUSES = ['running', 'success', 'failure', 'timeout'] as const;
export type SkillStatus = (typeof SKILL_STATUSES)[number];

export const MAX_SKILL_MESSAGE_CHARS = 4096;

const isoTime = z.iso.datetime({ offset: true });

/** status.dir/skills/NAME.json: the last run of one skill, written by clawctl (or by clawsupd for a client over the socket). */
export const skillRecordSchema = z.strictObject({
  name: z.string().regex(skillNamePattern),
  status: z.enum(SKILL_STATUSES),
  startedAt: isoTime,
  finishedAt: isoTime.nullable(),
  durationMs: z.number().int().nonnegative().nullable(),
  exitCode: z.number().int().nullable(),
  message: z.string().max(MAX_SKILL_MESSAGE_CHARS).nullable(),
  host: z.string().max(255),
  /** Carried over from run to run, so that a failing or running skill still tells when it last worked. */
  lastSuccessAt: isoTime.nullable(),
  /** The skill's `skills.NAME.maxAgeMs` when it was written, so a reader with no config can judge staleness. */
  maxAgeMs: z.number().int().positive().nullable(),
});

export type SkillRecord = z.infer<typeof skillRecordSchema>;

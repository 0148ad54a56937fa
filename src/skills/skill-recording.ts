import { hostname } from 'node:os';
import { callDaemon } from '../control/control-client.js';
import { readSkillRecord, writeSkillRecord } from './skill-files.js';
import type { ClawsupConfig } from '../config/schema.js';
import { ClawsupError } from '../errors.js';
import { MAX_SKILL_MESSAGE_CHARS, type SkillRecord } from './skill-record.js';

// Telling the daemon is a courtesy: the file is the record, so a slow daemon must not hold up a skill.
const DAEMON_NOTICE_TIMEOUT_MS = 1_000;

export interface SkillTarget {
  name: string;
  config: ClawsupConfig;
  socketPath: string;
}

/** A record for this skill, carrying over when it last succeeded. */
export function startSkillRecord(target: SkillTarget, fields: Pick<SkillRecord, 'status' | 'startedAt'> & Partial<SkillRecord>): SkillRecord {
  let previous: SkillRecord | null = null;
  try {
    previous = readSkillRecord(target.config.status.dir, target.name);
  } catch {
    // An unreadable old record only loses the last success time.
  }
  return {
    name: target.name,
    finishedAt: null,
    durationMs: null,
    exitCode: null,
    message: null,
    host: hostname(),
    lastSuccessAt: previous?.lastSuccessAt ?? null,
    maxAgeMs: target.config.skills[target.name]?.maxAgeMs ?? null,
    ...fields,
  };
}

export function truncateMessage(message: string | null): string | null {
  return message === null ? null : message.slice(0, MAX_SKILL_MESSAGE_CHARS);
}

/** Writes the file directly (works with no daemon), then tells the daemon when one answers. Throws only when neither worked. */
export async function recordSkill(target: SkillTarget, record: SkillRecord): Promise<{ writeError: ClawsupError | null; isToldDaemon: boolean }> {
  let writeError: ClawsupError | null = null;
  try {
    writeSkillRecord(target.config.status.dir, record);
  } catch (error) {
    writeError = error as ClawsupError;
  }
  let isToldDaemon = false;
  try {
    await callDaemon(target.socketPath, 'skill-report', { record }, DAEMON_NOTICE_TIMEOUT_MS);
    isToldDaemon = true;
  } catch {
    // No daemon, or a daemon that cannot write either: the file decides.
  }
  if (writeError && !isToldDaemon) throw writeError;
  return { writeError, isToldDaemon };
}

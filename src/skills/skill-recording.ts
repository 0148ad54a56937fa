import { hostname } from 'node:os';
import { callDaemon } from '../control/control-client.js';
import { encodeSkillRecord, readSkillRecord, skillFilePath, writeSkillRecord } from './skill-files.js';
import { writeFileAsOwner } from './write-as-owner.js';
import { checkFolder, currentUid, describeFolderProblem } from '../status/safe-folder.js';
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

/**
 * Writes the file directly (works with no daemon), then tells the daemon when one answers. Throws only when neither
 * worked. A status dir that is another user's (root's cron reporting for a daemon that runs as its own user) is never
 * written by this process: the daemon gets the record, or, when none answers, a child running as the folder's owner
 * writes it.
 */
export async function recordSkill(target: SkillTarget, record: SkillRecord): Promise<{ writeError: ClawsupError | null; isToldDaemon: boolean }> {
  const statusDir = target.config.status.dir;
  const folder = checkFolder(statusDir);
  if (!folder.ok && folder.problem !== 'missing') return recordInForeignFolder(target, record, folder);
  let writeError: ClawsupError | null = null;
  try {
    writeSkillRecord(statusDir, record);
  } catch (error) {
    writeError = error as ClawsupError;
  }
  const isToldDaemon = await tellDaemon(target, record);
  if (writeError && !isToldDaemon) throw writeError;
  return { writeError, isToldDaemon };
}

async function recordInForeignFolder(
  target: SkillTarget,
  record: SkillRecord,
  folder: Extract<ReturnType<typeof checkFolder>, { ok: false }>,
): Promise<{ writeError: null; isToldDaemon: boolean }> {
  if (await tellDaemon(target, record)) return { writeError: null, isToldDaemon: true };
  const statusDir = target.config.status.dir;
  const why = describeFolderProblem(statusDir, 'status.dir', 'make this write land elsewhere', folder);
  const canWriteAsOwner = folder.problem === 'foreign-owner' && folder.uid !== null && folder.gid !== null && currentUid() === 0;
  if (!canWriteAsOwner) {
    throw new ClawsupError('CLAWSUP_ERR_SKILL_FILE', `cannot record skill ${target.name}: no clawsupd answered on ${target.socketPath}, and ${why}`);
  }
  const path = skillFilePath(statusDir, record.name);
  const failure = await writeFileAsOwner(path, encodeSkillRecord(record), { uid: folder.uid as number, gid: folder.gid as number });
  if (failure !== null) {
    throw new ClawsupError('CLAWSUP_ERR_SKILL_FILE', `${path}: cannot write the skill status file as its folder's owner (uid ${folder.uid}): ${failure}`);
  }
  return { writeError: null, isToldDaemon: false };
}

async function tellDaemon(target: SkillTarget, record: SkillRecord): Promise<boolean> {
  try {
    await callDaemon(target.socketPath, 'skill-report', { record }, DAEMON_NOTICE_TIMEOUT_MS);
    return true;
  } catch {
    // No daemon, or a daemon that cannot write either: the file decides.
    return false;
  }
}

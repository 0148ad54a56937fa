import { spawn } from 'node:child_process';
import { unlinkSync } from 'node:fs';
import { callDaemon } from '../control/control-client.js';
import { ClawsupError, isClawsupError } from '../errors.js';
import { checkFolder, currentUid, describeFolderProblem } from '../status/safe-folder.js';
import { skillFilePath, skillsDirOf } from './skill-files.js';
import type { SkillTarget } from './skill-recording.js';

// As for a report: a daemon that does not answer within this is taken as none, and the file is removed here.
const DAEMON_TIMEOUT_MS = 1_000;
// The child only removes one file.
const REMOVE_TIMEOUT_MS = 10_000;

export interface ForgetResult {
  name: string;
  /** There was a file to remove. */
  wasRecorded: boolean;
  /** The config names the skill: it stays in status.json, as never run. */
  isConfigured: boolean;
  /** clawsupd removed it (else clawctl did, with no daemon answering). */
  isByDaemon: boolean;
}

/**
 * Removes the skill's file from status.dir/skills, only in folders of this user's (or root's) that nobody else may
 * plant names in, the same rule as writing one. Returns whether there was a file.
 */
export function removeSkillRecord(statusDir: string, name: string): { wasRecorded: boolean } {
  const path = skillFilePath(statusDir, name);
  for (const [dir, label] of [
    [statusDir, 'status.dir'],
    [skillsDirOf(statusDir), 'the skills folder'],
  ] as const) {
    const check = checkFolder(dir);
    if (!check.ok && check.problem === 'missing') return { wasRecorded: false };
    if (!check.ok) throw new ClawsupError('CLAWSUP_ERR_SKILL_FILE', `cannot remove the skill status file: ${describeFolderProblem(dir, label, 'make this removal hit another file', check)}`);
  }
  try {
    // unlink removes a name in the folder, never what a link points to.
    unlinkSync(path);
    return { wasRecorded: true };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { wasRecorded: false };
    throw new ClawsupError('CLAWSUP_ERR_SKILL_FILE', `${path}: cannot remove the skill status file: ${code ?? (error as Error).message}`, { cause: error });
  }
}

/** `clawctl skill forget`: through clawsupd when it answers, else here; in another user's folder, as its owner (root only). */
export async function forgetSkill(target: SkillTarget): Promise<ForgetResult> {
  const isConfigured = Object.hasOwn(target.config.skills, target.name);
  const byDaemon = await askDaemon(target);
  if (byDaemon !== null) return { name: target.name, wasRecorded: byDaemon.wasRecorded, isConfigured, isByDaemon: true };
  const statusDir = target.config.status.dir;
  const folder = checkFolder(statusDir);
  if (folder.ok || folder.problem === 'missing') return { name: target.name, ...removeSkillRecord(statusDir, target.name), isConfigured, isByDaemon: false };
  const why = describeFolderProblem(statusDir, 'status.dir', 'make this removal hit another file', folder);
  if (folder.problem !== 'foreign-owner' || folder.uid === null || folder.gid === null || currentUid() !== 0) {
    throw new ClawsupError('CLAWSUP_ERR_SKILL_FILE', `cannot forget skill ${target.name}: no clawsupd answered on ${target.socketPath}, and ${why}`);
  }
  const path = skillFilePath(statusDir, target.name);
  const outcome = await removeAsOwner(path, { uid: folder.uid, gid: folder.gid });
  if (outcome !== 'removed' && outcome !== 'absent') {
    throw new ClawsupError('CLAWSUP_ERR_SKILL_FILE', `${path}: cannot remove the skill status file as its folder's owner (uid ${folder.uid}): ${outcome}`);
  }
  return { name: target.name, wasRecorded: outcome === 'removed', isConfigured, isByDaemon: false };
}

async function askDaemon(target: SkillTarget): Promise<{ wasRecorded: boolean } | null> {
  try {
    const result = (await callDaemon(target.socketPath, 'skill-forget', { name: target.name }, DAEMON_TIMEOUT_MS)) as { wasRecorded?: unknown };
    return { wasRecorded: result.wasRecorded === true };
  } catch (error) {
    // A daemon that answered and could not remove it has said why; anything else means no daemon.
    if (isClawsupError(error) && error.code === 'CLAWSUP_ERR_SKILL_FILE') throw error;
    return null;
  }
}

// The skills folder's owner removes the name, so root never unlinks inside another user's folder itself.
const CHILD_SCRIPT = `
const fs = require('node:fs');
try { fs.unlinkSync(process.argv[1]); process.stdout.write('removed'); }
catch (error) { process.stdout.write(error.code === 'ENOENT' ? 'absent' : String(error.code || error.message)); }
`;

function removeAsOwner(path: string, owner: { uid: number; gid: number }): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-e', CHILD_SCRIPT, path], {
      uid: owner.uid,
      gid: owner.gid,
      cwd: '/',
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let stdout = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), REMOVE_TIMEOUT_MS);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve(error.code ?? error.message);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve(stdout.trim().slice(0, 200) || (signal === null ? `exit ${code}` : `killed by ${signal}`));
    });
  });
}

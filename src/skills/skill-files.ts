import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { skillNamePattern } from './skill-name.js';
import type { SkillFacts } from './skill-verdict.js';
import { ClawsupError } from '../errors.js';
import { checkSkillRecord } from './skill-facts.js';
import type { SkillRecord } from './skill-record.js';
import { writeJsonAtomic } from '../status/atomic-file.js';
import { readRegularFile } from '../status/read-regular-file.js';
import { checkFolder, describeFolderProblem } from '../status/safe-folder.js';

const SKILLS_DIR = 'skills';
const SKILL_FILE = /^(.+)\.json$/;
// A skill file is a few hundred bytes; anything much bigger is not one of ours.
const MAX_SKILL_FILE_BYTES = 64 * 1024;
const MAX_SKILL_FILES = 1_000;

export function skillsDirOf(statusDir: string): string {
  return join(statusDir, SKILLS_DIR);
}

export function assertSkillName(name: string): void {
  if (!skillNamePattern.test(name)) {
    throw new ClawsupError(
      'CLAWSUP_ERR_SKILL_NAME',
      `skill name ${JSON.stringify(name.slice(0, 80))} refused: use 1-64 characters of a-z 0-9 . _ - starting with a letter or digit`,
    );
  }
}

/** The one way to a skill's file: the name is checked, and the path must land directly in status.dir/skills. */
export function skillFilePath(statusDir: string, name: string): string {
  assertSkillName(name);
  const skillsDir = resolve(skillsDirOf(statusDir));
  const path = resolve(skillsDir, `${name}.json`);
  if (dirname(path) !== skillsDir) throw new ClawsupError('CLAWSUP_ERR_SKILL_NAME', `skill name ${JSON.stringify(name)} refused: it leaves the skills folder`);
  return path;
}

/** Serialised as every skill file is, so a record written by another process (see skill-recording) reads the same. */
export function encodeSkillRecord(record: SkillRecord): string {
  return `${JSON.stringify(record, null, 2)}\n`;
}

/**
 * Writes the skill's file, only into a status dir and skills folder of this user's (or root's) that nobody else may
 * plant names in: another user's folder is theirs to write (clawctl asks the daemon, or writes as that user).
 */
export function writeSkillRecord(statusDir: string, record: SkillRecord): void {
  const path = skillFilePath(statusDir, record.name);
  assertWritableFolder(statusDir, 'status.dir');
  try {
    mkdirSync(skillsDirOf(statusDir), { recursive: true, mode: 0o755 });
  } catch (error) {
    throw new ClawsupError('CLAWSUP_ERR_SKILL_FILE', `${skillsDirOf(statusDir)}: cannot create the skills folder: ${(error as NodeJS.ErrnoException).code}`, { cause: error });
  }
  assertWritableFolder(skillsDirOf(statusDir), 'the skills folder');
  try {
    writeJsonAtomic(path, record, { isDurable: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new ClawsupError('CLAWSUP_ERR_SKILL_FILE', `${path}: cannot write the skill status file: ${code}`, { cause: error });
  }
}

function assertWritableFolder(dir: string, label: string): void {
  const check = checkFolder(dir);
  if (check.ok || check.problem === 'missing') return;
  throw new ClawsupError('CLAWSUP_ERR_SKILL_FILE', `cannot write the skill status file: ${describeFolderProblem(dir, label, 'make this write land elsewhere', check)}`);
}

export function readSkillRecord(statusDir: string, name: string): SkillRecord | null {
  const facts = readSkillFile(skillFilePath(statusDir, name), name);
  return facts.record as SkillRecord | null;
}

/** Every skill file in status.dir/skills; files that are not skill records are reported, never trusted. */
export function readSkillFacts(statusDir: string): SkillFacts[] {
  let entries: string[];
  try {
    entries = readdirSync(skillsDirOf(statusDir));
  } catch {
    return [];
  }
  return entries
    .map((entry) => SKILL_FILE.exec(entry)?.[1])
    .filter((name): name is string => name !== undefined && skillNamePattern.test(name))
    .slice(0, MAX_SKILL_FILES)
    .map((name) => readSkillFile(join(skillsDirOf(statusDir), `${name}.json`), name));
}

function readSkillFile(path: string, name: string): SkillFacts {
  if (!existsSync(path)) return { name, record: null, problem: null };
  // Other users' skills write here: a file swapped for a FIFO or a link after a check must not block or mislead the daemon.
  const read = readRegularFile(path, MAX_SKILL_FILE_BYTES);
  if (!read.ok) return { name, record: null, problem: read.problem === 'ENOENT' ? null : `${path}: ${read.problem}` };
  try {
    return { name, ...checkSkillRecord(path, name, JSON.parse(read.text)) };
  } catch (error) {
    return { name, record: null, problem: `${path}: ${(error as Error).message}` };
  }
}

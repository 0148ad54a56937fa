import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderNewsyslog } from '../../src/install/render-service.js';

const TEMPLATE = readFileSync(new URL('../../launchd/clawsup.newsyslog.conf', import.meta.url), 'utf8');

/** newsyslog.conf(5): logfile [owner:group] mode count size when [flags] [pid_file] [signal]. */
function parseRules(text: string): Array<{ file: string; fields: string[] }> {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.trimStart().startsWith('#'))
    .map((line) => {
      const [file = '', ...fields] = line.trim().split(/\s+/);
      return { file, fields };
    });
}

describe('the rendered newsyslog rules', () => {
  const rules = parseRules(renderNewsyslog(TEMPLATE, '/Users/ada/Library/Logs/clawsup', 'ada:staff'));

  it('fill in every value', () => {
    expect(rules.map((rule) => rule.file)).toEqual(['clawsupd.log', 'clawsupd.out.log', 'clawsupd.err.log'].map((name) => `/Users/ada/Library/Logs/clawsup/${name}`));
    expect(renderNewsyslog(TEMPLATE, '/l', 'o:g')).not.toMatch(/@[A-Z_]+@/);
  });

  it.each(['clawsupd.log', 'clawsupd.out.log', 'clawsupd.err.log'])('%s: signals nothing, so no pid from a user-writable file reaches root', (name) => {
    const rule = rules.find((candidate) => candidate.file.endsWith(`/${name}`));
    // owner:group, mode, count, size, when, flags: nothing after the flags (no pid_file, no signal number).
    expect(rule?.fields).toHaveLength(6);
    expect(rule?.fields[0]).toBe('ada:staff');
    expect(rule?.fields[5]).toContain('N');
    expect(rule?.fields.some((field) => field.startsWith('/'))).toBe(false);
  });

  it('leaves clawsupd.log uncompressed: clawsupd may still write to the rotated file for a moment', () => {
    const flags = rules[0]?.fields[5] ?? '';
    expect(flags).not.toMatch(/[JZXY]/);
  });
});

import { describe, expect, it } from 'vitest';
import { parseCommandArgs } from '../../src/cli/parse-command-args.js';

describe('parseCommandArgs', () => {
  it('gives no arguments the same answer as parseArgs: no values but the defaults, no positionals', () => {
    expect(parseCommandArgs([], { json: { type: 'boolean' }, watch: { type: 'boolean', short: 'w' } }, 'clawctl status')).toEqual({ values: {}, positionals: [] });
    expect(parseCommandArgs([], { lines: { type: 'string', default: '50' } }, 'clawctl logs').values).toEqual({ lines: '50' });
  });

  it('parses flags and refuses an unknown one with the usage', () => {
    expect(parseCommandArgs(['--json', '-w'], { json: { type: 'boolean' }, watch: { type: 'boolean', short: 'w' } }, 'u').values).toEqual({ json: true, watch: true });
    expect(() => parseCommandArgs(['--jsn'], { json: { type: 'boolean' } }, 'clawctl status')).toThrow(/^Unknown option '--jsn'.* \(usage: clawctl status\)$/);
  });
});

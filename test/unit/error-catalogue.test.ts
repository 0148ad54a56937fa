import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE } from '../../src/errors.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('the error catalogue', () => {
  it.each(Object.entries(ERROR_CATALOGUE))('documents %s in the README with its exit code', (code, { exitCode }) => {
    expect(readme).toMatch(new RegExp(`\\| \`${code}\` \\| ${exitCode} \\|`));
  });
});

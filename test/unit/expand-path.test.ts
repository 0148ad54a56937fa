import { homedir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { expandPath } from '../../src/config/expand-path.js';

describe('expandPath', () => {
  it('puts ~ and ~/x under the home folder given', () => {
    expect(expandPath('~', '/etc/clawsup', '/home/op')).toBe('/home/op');
    expect(expandPath('~/.clawsup/status', '/etc/clawsup', '/home/op')).toBe('/home/op/.clawsup/status');
  });

  it("uses this user's home folder when none is given", () => {
    expect(expandPath('~/x', '/etc/clawsup')).toBe(`${homedir()}/x`);
  });

  it('keeps an absolute path and puts a relative one under the config folder', () => {
    expect(expandPath('/run/clawsup.sock', '/etc/clawsup', '/home/op')).toBe('/run/clawsup.sock');
    expect(expandPath('status', '/etc/clawsup', '/home/op')).toBe('/etc/clawsup/status');
    expect(expandPath('~user/x', '/etc/clawsup', '/home/op')).toBe('/etc/clawsup/~user/x');
  });
});

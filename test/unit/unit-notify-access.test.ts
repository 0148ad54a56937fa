import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderSystemUnit, renderUserUnit, SYSTEM_UNIT_DEFAULTS } from '../../src/install/render-service.js';

const read = (name: string): string => readFileSync(new URL(`../../units/${name}`, import.meta.url), 'utf8');
const SYSTEM = read('clawsupd.service');
const USER = read('clawsupd.user.service');
const notifyLines = (unit: string): string[] => unit.split('\n').filter((line) => line.startsWith('NotifyAccess='));

describe("the units' NotifyAccess=", () => {
  it('is main in the shipped units: clawsupd sends from its own process', () => {
    expect(notifyLines(SYSTEM)).toEqual(['NotifyAccess=main']);
    expect(notifyLines(USER)).toEqual(['NotifyAccess=main']);
  });

  it.each([
    ['system', (access: 'main' | 'all') => renderSystemUnit(SYSTEM, SYSTEM_UNIT_DEFAULTS, 'clawsup', access)],
    ['user', (access: 'main' | 'all') => renderUserUnit(USER, access)],
  ])('%s unit: main stays main; all, with its own reason, where the addon has no binary', (_, render) => {
    expect(notifyLines(render('main'))).toEqual(['NotifyAccess=main']);
    const open = render('all');
    expect(notifyLines(open)).toEqual(['NotifyAccess=all']);
    expect(open).toContain('No node-unix-socket binary for this machine');
    expect(open).not.toContain('from its own process');
    // Only that block changes.
    expect(open.split('\n').filter((line) => !line.startsWith('#') && !line.startsWith('NotifyAccess='))).toEqual(
      render('main').split('\n').filter((line) => !line.startsWith('#') && !line.startsWith('NotifyAccess=')),
    );
  });
});

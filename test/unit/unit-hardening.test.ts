// Every hardening directive the units keep says why on the line above; every obvious one left out is named, with why.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/** Kept in units/clawsupd.service; test/integration/systemd-unit.test.ts checks systemd applies each. */
const KEPT_HARDENING = ['ProtectControlGroups=yes', 'PrivateIPC=yes', 'CapabilityBoundingSet=~CAP_SYS_MODULE CAP_SYS_BOOT'];

// The ones that break the gateway or its agents (issue 11), and those systemd 252 turns into NoNewPrivileges=yes.
const LEFT_OUT = [
  'ProtectHome=',
  'PrivateTmp=',
  'ProtectSystem=',
  'NoNewPrivileges=',
  'ProcSubset=',
  'MemoryDenyWriteExecute=',
  'SystemCallFilter=',
  'SystemCallArchitectures=',
  'RestrictAddressFamilies=',
  'RestrictNamespaces=',
  'RestrictSUIDSGID=',
  'LockPersonality=',
  'PrivateDevices=',
  'ProtectKernelTunables=',
  'ProtectKernelModules=',
  'ProtectKernelLogs=',
  'ProtectClock=',
  'ProtectHostname=',
  'ProtectProc=',
  'RemoveIPC=',
];

const lines = (path: string): string[] => readFileSync(path, 'utf8').split('\n');

describe('units/clawsupd.service hardening', () => {
  const unit = lines('units/clawsupd.service');

  it.each(KEPT_HARDENING)('%s is set, with a comment line right above it', (directive) => {
    const at = unit.indexOf(directive);
    expect(at).toBeGreaterThan(0);
    expect(unit[at - 1]).toMatch(/^# \S/);
  });

  it.each(LEFT_OUT)('%s is not set, and a comment says why', (directive) => {
    expect(unit.filter((line) => line.startsWith(directive))).toEqual([]);
    expect(unit.some((line) => line.startsWith('#') && line.includes(directive))).toBe(true);
  });
});

describe('units/clawsupd.user.service hardening', () => {
  it('sets none (a user manager would imply PrivateUsers= or NoNewPrivileges=, both of which break sudo) and says so', () => {
    const unit = lines('units/clawsupd.user.service');
    for (const directive of [...KEPT_HARDENING, ...LEFT_OUT]) {
      expect(unit.filter((line) => line.startsWith(directive.split('=')[0] + '='))).toEqual([]);
    }
    expect(unit.join('\n')).toContain('# No sandboxing options here.');
  });
});

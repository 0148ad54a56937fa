import { describe, expect, it } from 'vitest';
import { skillFilePath } from '../../src/skills/skill-files.js';
import { formatDuration } from '../../src/cli/format-duration.js';
import { renderStatus } from '../../src/cli/render-status.js';
import { exitCodeForMode } from '../../src/cli/status-exit-code.js';
import { MODES } from '../../src/supervisor/modes.js';

describe('clawctl status exit codes (monitoring-plugin convention)', () => {
  it.each([
    ['healthy', 0],
    ['degraded', 1],
    ['starting', 1],
    ['backoff', 1],
    ['held', 1],
    ['stopping', 1],
    ['diagnose', 2],
    ['stopped', 2],
    ['something-new', 3],
    [undefined, 3],
  ])('%s -> %i', (mode, code) => {
    expect(exitCodeForMode(mode)).toBe(code);
  });

  it('knows every mode of the contract', () => {
    for (const mode of MODES) expect(exitCodeForMode(mode)).toBeLessThan(3);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0ms'],
    [999, '999ms'],
    [1_000, '1s'],
    [65_000, '1m 5s'],
    [3_600_000, '1h'],
    [93_784_000, '1d 2h'],
    [-2_000, '-2s'],
  ])('%i ms -> %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('renderStatus', () => {
  const NOW = Date.parse('2026-11-21T10:00:00.000Z');
  const status = {
    schemaVersion: 1,
    mode: 'degraded',
    since: '2026-11-21T09:59:00.000Z',
    reasons: ['skill-stale:backup', 'slack-flapping'],
    gateway: {
      pid: 4242,
      startedAt: '2026-11-21T09:00:00.000Z',
      restarts: 2,
      lastExit: { code: 1, signal: null, uptimeMs: 30_000, class: 'transient', reason: 'crash', evidence: ['TypeError: boom'], at: '2026-11-21T08:59:59.000Z' },
    },
    diagnosis: null,
    daemon: { pid: 1, version: '0.1.0', startedAt: '2026-11-21T08:00:00.000Z', host: 'node-1' },
    probes: {
      health: { ok: true, state: 'live', latencyMs: 14.6, checkedAt: '2026-11-21T09:59:59.000Z', consecutiveFailures: 0, detail: 'HTTP 200' },
      slack: { ok: false, state: 'flapping', latencyMs: null, checkedAt: null, consecutiveFailures: 2, detail: '5 disconnects in the last hour', disconnectsLastHour: 5 },
    },
    skills: { backup: { state: 'stale', status: 'success', lastSuccessAt: '2026-11-20T10:00:00.000Z', maxAgeMs: 3_600_000, message: null } },
  };

  it.each([
    {
      what: 'the audit in one line',
      extra: { audit: { lastRunAt: '2026-11-21T07:00:00.000Z', durationMs: 900, counts: { ok: 5, failed: 1, unverified: 2, timeout: 0 }, lost: ['model:x/y'], baselineAt: '2026-11-19T10:00:00.000Z', isBaselineSaved: true } },
      line: 'audit: 5 ok, 1 failed, 2 unverified, 0 timeout; lost model:x/y (ran 3h ago, baseline 2d ago)',
    },
    {
      what: 'a refused reload',
      extra: { config: { lastReloadAt: '2026-11-21T09:58:00.000Z', lastReloadError: 'clawsup.json5:3:5: restart.failureLimt: unknown key\nmore', pendingGatewayRestart: [], pendingDaemonRestart: [] } },
      line: 'config: reload refused 2m ago, the running config kept: clawsup.json5:3:5: restart.failureLimt: unknown key',
    },
    {
      what: 'a change waiting for the next gateway start',
      extra: { config: { lastReloadAt: '2026-11-21T09:58:00.000Z', lastReloadError: null, pendingGatewayRestart: ['gateway.command'], pendingDaemonRestart: ['status.dir'] } },
      line: 'config: gateway.command take effect at the next gateway start (clawctl restart)',
    },
    {
      what: 'log lines lost to a full disk',
      extra: { log: { droppedLines: 12, lastError: 'ENOSPC', isFailing: true } },
      line: 'log lines dropped: 12 (still failing; last error ENOSPC)',
    },
  ])('shows $what', ({ extra, line }) => {
    expect(renderStatus({ ...status, ...extra }, NOW).split('\n')).toContain(line);
  });

  it('shows mode, reasons, gateway, last exit, probes and skills, one fact a line', () => {
    const text = renderStatus(status, NOW);
    expect(text).toContain('mode: degraded since 2026-11-21T09:59:00.000Z (1m ago)');
    expect(text).toContain('reasons: skill-stale:backup, slack-flapping');
    expect(text).toContain('gateway: pid 4242, up 1h, 2 restart(s)');
    expect(text).toContain('last exit: code 1, transient: crash');
    expect(text).toContain('| TypeError: boom');
    expect(text).toMatch(/health +live +15 ms {2}HTTP 200\n/);
    expect(text).toMatch(/slack +flapping +2 failure\(s\) in a row {2}5 disconnects in the last hour {2}disconnectsLastHour=5/);
    expect(text).toMatch(/backup +stale +last success 1d ago, max age 1h/);
  });

  it('shows the diagnosis and its hint in diagnose mode', () => {
    const text = renderStatus({ ...status, mode: 'diagnose', diagnosis: { reason: 'module-not-found', class: 'structural', trigger: 'structural', since: 'then', hint: 'reinstall openclaw' } }, NOW);
    expect(text).toContain('diagnosis: module-not-found (structural), at the first failure (retrying cannot fix it), since then');
    expect(text).toContain('hint: reinstall openclaw');
  });

  it('survives an object from an older or damaged file', () => {
    expect(renderStatus({}, NOW)).toContain('mode: unknown');
  });
});

describe('skillFilePath', () => {
  it('puts a good name directly in status.dir/skills', () => {
    expect(skillFilePath('/var/lib/clawsup', 'daily-memory')).toBe('/var/lib/clawsup/skills/daily-memory.json');
    expect(skillFilePath('/s', 'a.b_c-9')).toBe('/s/skills/a.b_c-9.json');
  });

  it.each(['', '..', '../x', 'a/b', '/etc/passwd', '.hidden', '-x', 'A', 'a b', 'a\u0000b', 'a\nb', 'é', 'x'.repeat(65), '..\\x', '%2e%2e'])(
    'refuses %j with CLAWSUP_ERR_SKILL_NAME',
    (name) => {
      expect(() => skillFilePath('/s', name)).toThrow(expect.objectContaining({ code: 'CLAWSUP_ERR_SKILL_NAME', exitCode: 65 }));
    },
  );
});

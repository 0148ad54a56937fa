import { describe, expect, it } from 'vitest';
import { alertmanagerName, formatJsonMessage, formatPostableAlert, formatSlackMessage } from '../../src/alerts/alert-messages.js';
import type { ActiveAlert, ResolvedAlert } from '../../src/alerts/evaluate-alerts.js';

const ACTIVE: ActiveAlert = {
  key: 'diagnose',
  rule: 'diagnose',
  subject: null,
  severity: 'critical',
  host: 'node-a',
  summary: 'clawsup on node-a entered diagnose mode (module-not-found): the gateway is down and not restarted',
  description: '1 failures, class structural',
  fix: 'reinstall the gateway: npm i -g openclaw',
  startsAtMs: Date.parse('2026-12-01T06:00:00.000Z'),
  clearedAtMs: null,
};
const RESOLVED: ResolvedAlert = { ...ACTIVE, clearedAtMs: Date.parse('2026-12-01T06:03:12.000Z'), endsAtMs: Date.parse('2026-12-01T06:03:12.000Z') };
const SKILL: ActiveAlert = { ...ACTIVE, key: 'skill-stale:memory', rule: 'skill-stale', subject: 'memory', severity: 'warning', fix: null };

describe('alert messages', () => {
  it('Slack: the firing message says what, where, since when and the fix', () => {
    expect(formatSlackMessage(ACTIVE, 'firing')).toEqual({
      text: ':red_circle: [FIRING] clawsup on node-a entered diagnose mode (module-not-found): the gateway is down and not restarted (since 2026-12-01T06:00:00.000Z)\n1 failures, class structural\nFix: reinstall the gateway: npm i -g openclaw',
    });
  });

  it('Slack: the resolved message says how long it lasted', () => {
    expect(formatSlackMessage(RESOLVED, 'resolved').text).toBe(
      ':white_check_mark: [RESOLVED] clawsup on node-a entered diagnose mode (module-not-found): the gateway is down and not restarted: over after 3m 12s (since 2026-12-01T06:00:00.000Z, cleared 2026-12-01T06:03:12.000Z)',
    );
  });

  it('Slack: a warning without a known fix says none', () => {
    const { text } = formatSlackMessage(SKILL, 'firing');
    expect(text.startsWith(':warning: [FIRING]')).toBe(true);
    expect(text).not.toContain('Fix:');
  });

  it('json: a documented object, endsAt only once resolved', () => {
    expect(formatJsonMessage(ACTIVE, 'firing')).toMatchObject({ version: 1, source: 'clawsup', status: 'firing', alert: 'diagnose', key: 'diagnose', host: 'node-a', severity: 'critical', fix: ACTIVE.fix, startsAt: '2026-12-01T06:00:00.000Z', endsAt: null });
    expect(formatJsonMessage(RESOLVED, 'resolved')).toMatchObject({ status: 'resolved', endsAt: '2026-12-01T06:03:12.000Z' });
  });

  it.each([
    ['diagnose', 'ClawsupDiagnose'],
    ['slack-flapping', 'ClawsupSlackFlapping'],
    ['cron-no-leader', 'ClawsupCronNoLeader'],
  ])('Alertmanager alertname of %s is %s', (rule, name) => {
    expect(alertmanagerName(rule)).toBe(name);
  });

  it('Alertmanager: labels and annotations; endsAt on resolve only', () => {
    expect(formatPostableAlert(ACTIVE)).toEqual({
      labels: { alertname: 'ClawsupDiagnose', host: 'node-a', severity: 'critical', service: 'clawsup', rule: 'diagnose' },
      annotations: { summary: ACTIVE.summary, description: ACTIVE.description, fix: ACTIVE.fix },
      startsAt: '2026-12-01T06:00:00.000Z',
    });
    expect(formatPostableAlert(RESOLVED).endsAt).toBe('2026-12-01T06:03:12.000Z');
    expect(formatPostableAlert(SKILL).labels.subject).toBe('memory');
    expect(formatPostableAlert(SKILL).annotations).not.toHaveProperty('fix');
  });
});

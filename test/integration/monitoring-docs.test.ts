/**
 * The README's monitoring examples against the code and the real tools: the scrape config and the alert rules go
 * through Debian's promtool (.ci/run installs prometheus), the rules fire on the series clawsupd exports, every
 * clawsup_ name they use exists, and the alerts config example is one clawsupd accepts.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import JSON5 from 'json5';
import { afterEach, describe, expect, it } from 'vitest';
import { formatPostableAlert } from '../../src/alerts/alert-messages.js';
import { configSchema } from '../../src/config/schema.js';
import { METRIC_DEFINITIONS } from '../../src/metrics/metric-definitions.js';
import { readCodeBlocks, readSection } from '../helpers/markdown.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const PROMTOOL = '/usr/bin/promtool';
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const [scrapeConfig = '', rules = ''] = readCodeBlocks(readSection(readme, 'HTTP listener and metrics'), 'yaml');
const alertsSection = readSection(readme, 'Alerts');
const temps: Array<{ remove(): void }> = [];
afterEach(() => temps.splice(0).forEach((temp) => temp.remove()));

function tempDir(): string {
  const temp = makeTempDir('cs-mondocs-');
  temps.push(temp);
  return temp.path;
}

function promtool(args: string[], cwd: string): { status: number | null; output: string } {
  const result = spawnSync(PROMTOOL, args, { cwd, encoding: 'utf8', timeout: 30_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}${result.error?.message ?? ''}` };
}

describe('the README monitoring examples', () => {
  it('the scrape config sends the token with authorization.credentials_file, and promtool takes it', () => {
    expect(scrapeConfig).toMatch(/authorization:\n\s+credentials_file: /);
    const dir = tempDir();
    // The paths of the example are the operator's: here they point at files the test made.
    writeFileSync(join(dir, 'token'), 'a-token\n');
    writeFileSync(join(dir, 'ca.pem'), '');
    const config = scrapeConfig.replace('/etc/prometheus/clawsup.token', join(dir, 'token')).replace('/etc/prometheus/clawsup-ca.pem', join(dir, 'ca.pem'));
    writeFileSync(join(dir, 'prometheus.yml'), config);
    const checked = promtool(['check', 'config', '--syntax-only', 'prometheus.yml'], dir);
    expect(checked.output).toContain('SUCCESS');
    expect(checked.status).toBe(0);
  });

  it('names only metrics clawsupd exports (and up, which Prometheus makes)', () => {
    const exported = new Set<string>(Object.values(METRIC_DEFINITIONS).map((definition) => definition.name));
    const named = [...new Set([...rules.matchAll(/\b(clawsup_[a-z0-9_]+)/g)].map((match) => match[1] as string))];
    expect(named.length).toBeGreaterThan(5);
    expect(named.filter((name) => !exported.has(name))).toEqual([]);
  });

  it('has alert rules promtool accepts, which fire on the series a node in trouble exports', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'rules.yml'), rules);
    expect(promtool(['check', 'rules', 'rules.yml'], dir)).toMatchObject({ status: 0 });
    // Two nodes: node-1 in diagnose and leading cron, node-2 following with other jobs; then no leader at all.
    writeFileSync(join(dir, 'tests.yml'), `rule_files: [rules.yml]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: 'clawsup_mode{mode="diagnose",instance="node-1",job="clawsup"}'
        values: '1x15'
      - series: 'clawsup_cron_role{role="leader",instance="node-1",job="clawsup"}'
        values: '1x5 0x10'
      - series: 'clawsup_cron_role{role="leader",instance="node-2",job="clawsup"}'
        values: '0x15'
      - series: 'clawsup_cron_jobs{definitions_hash="aaaa",instance="node-1",job="clawsup"}'
        values: '3x15'
      - series: 'clawsup_cron_jobs{definitions_hash="bbbb",instance="node-2",job="clawsup"}'
        values: '2x15'
      - series: 'clawsup_cron_gateway_cron_on{instance="node-1",job="clawsup"}'
        values: '1x15'
      - series: 'clawsup_cron_gateway_cron_on{instance="node-2",job="clawsup"}'
        values: '0x2 1 0x12'
    alert_rule_test:
      - eval_time: 3m
        alertname: ClawsupDiagnose
        exp_alerts:
          - exp_labels: { severity: critical, mode: diagnose, instance: node-1, job: clawsup }
            exp_annotations: { summary: 'node-1: diagnose mode, the gateway is down and not restarted (clawctl diagnose says why)' }
      - eval_time: 4m
        alertname: ClawsupCronNoLeader
        exp_alerts: []
      - eval_time: 9m
        alertname: ClawsupCronNoLeader
        exp_alerts:
          - exp_labels: { severity: critical }
            exp_annotations: { summary: 'no node leads cron: scheduled jobs are not running anywhere' }
      - eval_time: 3m
        alertname: ClawsupCronTwoGatewaysOn
        exp_alerts:
          - exp_labels: { severity: critical }
            exp_annotations: { summary: '2 gateways have cron on at once: jobs run twice' }
      - eval_time: 12m
        alertname: ClawsupCronJobsDiffer
        exp_alerts:
          - exp_labels: { severity: warning }
            exp_annotations: { summary: 'the nodes do not have the same cron jobs: a failover would run other jobs (clawctl cron status on each)' }
`);
    const tested = promtool(['test', 'rules', 'tests.yml'], dir);
    expect(tested.output).toContain('SUCCESS');
    expect(tested.status).toBe(0);
  });

  it('shows an alerts config clawsupd accepts, and Alertmanager matchers on labels clawsupd sends', () => {
    const [example = ''] = readCodeBlocks(alertsSection, 'json5');
    const alerts = JSON5.parse<{ alerts: unknown }>(`{${example}}`).alerts;
    const parsed = configSchema.safeParse({ gateway: { command: ['openclaw', 'gateway'] }, alerts });
    expect(parsed.error?.issues ?? []).toEqual([]);
    const [route = ''] = readCodeBlocks(alertsSection, 'yaml');
    const sent = formatPostableAlert({ key: 'diagnose', rule: 'diagnose', subject: null, severity: 'critical', host: 'node-1', summary: 's', description: 'd', fix: null, startsAtMs: 0, clearedAtMs: null });
    for (const [, label, value] of route.matchAll(/'([a-z_]+)="([^"]+)"'/g)) expect(sent.labels[label as string], `label ${label}`).toBe(value);
    expect(route).toMatch(/matchers:/);
  });
});

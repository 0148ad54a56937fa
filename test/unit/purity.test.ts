import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkPurity, expandModuleList, formatFinding, type PurityRules } from '../helpers/purity-check.js';

/**
 * The pure modules, in one place: no `node:` import, no clock, no timer, no `process`, and run-time imports only
 * of each other. A `*` matches within one folder's file names. Type-only imports (`import type`) may name any
 * module: TypeScript erases them, so they load no code and reach no effect.
 */
const PURE_MODULES = [
  'src/supervisor/*.ts',
  'src/alerts/alert-conditions.ts',
  'src/alerts/alert-messages.ts',
  'src/alerts/alert-outbox.ts',
  'src/alerts/alert-rule-names.ts',
  'src/alerts/alerts-status.ts',
  'src/alerts/describe-answer.ts',
  'src/alerts/evaluate-alerts.ts',
  'src/audit/audit-diff.ts',
  'src/audit/audit-schedule.ts',
  'src/audit/render-audit.ts',
  'src/audit/audit-summary.ts',
  'src/audit/capability.ts',
  'src/audit/channel-verdict.ts',
  'src/audit/enumerate-capabilities.ts',
  'src/audit/list-models-verdict.ts',
  'src/audit/models-status.ts',
  'src/check-value.ts',
  'src/errors.ts',
  'src/gateway-config/apply-machine.ts',
  'src/gateway-config/compare-capabilities.ts',
  'src/gateway-config/drift.ts',
  'src/gateway-config/gateway-config-status.ts',
  'src/gateway-config/history-record.ts',
  'src/gateway-config/lint-candidate.ts',
  'src/gateway-config/owned-keys.ts',
  'src/describe-error.ts',
  'src/cli/colour.ts',
  'src/cli/completion-script.ts',
  'src/cli/format-duration.ts',
  'src/cli/render-status.ts',
  'src/cli/status-exit-code.ts',
  'src/cli/terminal-text.ts',
  'src/config/describe-reload.ts',
  'src/config/format-issues.ts',
  'src/config/json5-locations.ts',
  'src/config/loaded-config.ts',
  'src/config/nesting-depth.ts',
  'src/config/path-defaults.ts',
  'src/config/schema.ts',
  'src/cron/cron-events.ts',
  'src/cron/cron-status-view.ts',
  'src/cron/job-definitions.ts',
  'src/cron/lease-decision.ts',
  'src/cron/lease-state.ts',
  'src/control/exit-line.ts',
  'src/control/handle-request.ts',
  'src/control/parse-request.ts',
  'src/control/protocol.ts',
  'src/control/subscriptions.ts',
  'src/daemon/liveness-board.ts',
  'src/doctor/check-*.ts',
  'src/doctor/doctor-facts.ts',
  'src/doctor/run-checks.ts',
  'src/doctor/version-range.ts',
  'src/events/derive-events.ts',
  'src/fleet/fleet-view-model.ts',
  'src/fleet/render-fleet.ts',
  'src/fleet/view-shape.ts',
  'src/events/event-sink.ts',
  'src/events/format-event.ts',
  'src/events/journal-event.ts',
  'src/events/journal-retention.ts',
  'src/events/select-events.ts',
  'src/gateway/earlier-output.ts',
  'src/gateway/held-chunks.ts',
  'src/gateway/gateway-env.ts',
  'src/gateway/output-budget.ts',
  'src/gateway/output-tail.ts',
  'src/gateway/redact.ts',
  'src/gateway/socket-owner/proc-net-tcp.ts',
  'src/gateway/socket-owner/socket-owner.ts',
  'src/http/failure-throttle.ts',
  'src/http/host-check.ts',
  'src/http/listen-address.ts',
  'src/http/request-decision.ts',
  'src/http/session-table.ts',
  'src/http/sign-in.ts',
  'src/node-api/events-query.ts',
  'src/node-api/node-view.ts',
  'src/install/install-manifest.ts',
  'src/install/layout.ts',
  'src/install/openclaw-services.ts',
  'src/install/path-trust.ts',
  'src/install/plan-install.ts',
  'src/install/plan-uninstall.ts',
  'src/install/posix-path.ts',
  'src/install/render-service.ts',
  'src/install/service-path.ts',
  'src/metrics/metric-definitions.ts',
  'src/metrics/probe-observations.ts',
  'src/metrics/state-counters.ts',
  'src/metrics/status-samples.ts',
  'src/probes/probe-report.ts',
  'src/probes/recovery.ts',
  'src/probes/http/event-loop-verdict.ts',
  'src/probes/http/http-response-parser.ts',
  'src/probes/http/parse-json-body.ts',
  'src/probes/http/probe-urls.ts',
  'src/probes/http/probe-verdict.ts',
  'src/probes/http/round-plan.ts',
  'src/probes/slack/classify-rpc-error.ts',
  'src/probes/slack/rpc-handshake.ts',
  'src/probes/slack/rpc-options.ts',
  'src/probes/slack/slack-log-line.ts',
  'src/probes/slack/slack-observation.ts',
  'src/probes/slack/slack-rpc-facts.ts',
  'src/probes/slack/slack-verdict.ts',
  'src/probes/slack/slack-transport.ts',
  'src/probes/slack/ss-tcp-info.ts',
  'src/probes/slack/stale-action.ts',
  'src/skills/node-verdict.ts',
  'src/skills/skill-facts.ts',
  'src/skills/skill-outcome.ts',
  'src/skills/skill-name.ts',
  'src/skills/skill-record.ts',
  'src/skills/skill-verdict.ts',
  'src/status/status-schema.ts',
  'src/status/status-snapshot.ts',
  'src/systemd/notify-plan.ts',
  'src/systemd/notify-queue.ts',
  'src/systemd/status-line.ts',
];

/** Packages that only compute (a schema library): importing one keeps a module pure. */
const PURE_PACKAGES = ['zod'];

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const pureFiles = expandModuleList(PURE_MODULES, repoRoot);
const rules: PurityRules = { pureModules: new Set(pureFiles), purePackages: new Set(PURE_PACKAGES) };

describe('the pure modules', () => {
  it.each(pureFiles)('%s has no effects', (file) => {
    const findings = checkPurity(file, readFileSync(`${repoRoot}/${file}`, 'utf8'), rules);
    expect(findings.map(formatFinding)).toEqual([]);
  });
});

describe('the purity checker', () => {
  const fixtureRules: PurityRules = { pureModules: new Set(['src/demo/pure.ts']), purePackages: new Set(['zod']) };
  // The offending code sits on line 2, under a comment, so the reported line is checked too.
  const check = (code: string) => checkPurity('src/demo/module.ts', `// a module\n${code}\n`, fixtureRules);

  it.each([
    ['a node: builtin', `import { readFileSync } from 'node:fs';`, "imports the Node builtin 'node:fs'"],
    ['a bare builtin', `import { join } from 'path';`, "imports the Node builtin 'path'"],
    ['a bare builtin subpath', `import { readFile } from 'fs/promises';`, "imports the Node builtin 'fs/promises'"],
    ['a dynamic import', `export const load = () => import('node:child_process');`, "imports the Node builtin 'node:child_process'"],
    ['require', `export const fs = require('fs');`, "imports the Node builtin 'fs'"],
    ['an impure relative module', `import { spawnGateway } from './effects.js';`, "imports './effects.js' (src/demo/effects.ts), which is not in the pure list"],
    ['a re-export of an impure module', `export { spawnGateway } from '../gateway/effects.js';`, "imports '../gateway/effects.js' (src/gateway/effects.ts), which is not in the pure list"],
    ['a side-effect import', `import './effects.js';`, "imports './effects.js' (src/demo/effects.ts), which is not in the pure list"],
    ['a value import beside a type import', `import { type Effects, spawnGateway } from './effects.js';`, "imports './effects.js' (src/demo/effects.ts), which is not in the pure list"],
    ['a package not known pure', `import pino from 'pino';`, "imports the package 'pino', which is not a pure package"],
    ['Date.now()', `export const nowMs = (): number => Date.now();`, 'Date.now (reads the clock)'],
    ['Date.now passed as the clock', `export const clock: () => number = Date.now;`, 'Date.now (reads the clock)'],
    ['new Date()', `export const now = (): string => new Date().toISOString();`, 'new Date() without an argument (reads the clock)'],
    ['new Date without parentheses', `export const now = new Date;`, 'new Date() without an argument (reads the clock)'],
    ['Date()', `export const now = (): string => Date();`, 'Date() (reads the clock)'],
    ['process.env', `export const home = process.env.HOME;`, 'the process global'],
    ['process in shorthand', `export const parts = { process };`, 'the process global'],
    ['a process that is only declared', `declare const process: { pid: number };`, 'the process global'],
    ['performance.now()', `export const tick = (): number => performance.now();`, 'performance (reads the clock)'],
    ['setTimeout', `setTimeout(() => undefined, 1_000);`, 'setTimeout (a timer)'],
    ['setInterval', `setInterval(() => undefined, 1_000);`, 'setInterval (a timer)'],
    ['setImmediate', `setImmediate(() => undefined);`, 'setImmediate (a timer)'],
    ['queueMicrotask', `queueMicrotask(() => undefined);`, 'queueMicrotask (schedules work)'],
    ['globalThis', `export const env = globalThis.process;`, 'globalThis (reaches past the imports)'],
  ])('catches %s', (_label, code, found) => {
    expect(check(code)).toContainEqual({ file: 'src/demo/module.ts', line: 2, found });
  });

  it.each([
    ['new Date(ms)', `export const iso = (ms: number): string => new Date(ms).toISOString();`],
    ['Date.parse and instanceof Date', `export const ms = (v: unknown): number => (v instanceof Date ? v.getTime() : Date.parse(String(v)));`],
    ['an import of a pure module', `import { judge } from './pure.js';\nexport { judge } from './pure.js';`],
    ['type-only imports of impure modules', `import type { Effects } from './effects.js';\nimport { type ChildProcess } from 'node:child_process';\nexport type { Effects } from './effects.js';`],
    ['a pure package', `import { z } from 'zod';`],
    ['a local named process', `export const pids = (list: Array<{ pid: number }>) => list.map((process) => process.pid);`],
    ['properties named like globals', `export const o = { process: 1, setTimeout: 2 };\nexport const v = o.process + o.setTimeout;`],
    ['types naming globals', `export type Env = typeof process.env;\nexport interface Timers { setTimeout: typeof setTimeout }`],
  ])('lets %s pass', (_label, code) => {
    expect(check(code)).toEqual([]);
  });

  it('refuses a list entry that names no file, so a renamed module cannot drop out unseen', () => {
    expect(() => expandModuleList(['src/supervisor/no-such-module.ts'], repoRoot)).toThrow(/does not exist/);
    expect(() => expandModuleList(['src/no-such-folder/*.ts'], repoRoot)).toThrow(/matches no file/);
  });
});

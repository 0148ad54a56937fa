import { mkdirSync } from 'node:fs';
import nodeWatch from 'node-watch';
import { readSkillFacts, skillsDirOf } from './skill-files.js';
import type { DaemonPart } from '../daemon/daemon-part.js';
import { judgeSkills } from './skill-verdict.js';
import { describeError } from '../describe-error.js';

// node-watch is CommonJS; its `default` property is the function in both module systems.
const watch = nodeWatch.default;

// A write is a temp file and a rename: look once the burst is over.
const DEBOUNCE_MS = 100;
// Watch events can be missed (a folder replaced, an NFS mount): look anyway this often.
const RESCAN_INTERVAL_MS = 60_000;
// A skill going stale is a moment in time, not a file event: wake just after it.
const STALE_MARGIN_MS = 5;

/** Watches status.dir/skills, shows every skill in status.json, and degrades the node for a stale or failing one. */
export const skillsPart: DaemonPart = {
  name: 'skills',
  attach({ supervisor, config, log, onConfigReloaded }) {
    const skillsLog = log.child({ component: 'skills' });
    const statusDir = config.status.dir;
    const skillsDir = skillsDirOf(statusDir);
    const baselineMs = Date.now();
    let lastViewJson = '';
    let lastReasons = '';
    let checkTimer: NodeJS.Timeout | undefined;
    let debounceTimer: NodeJS.Timeout | undefined;
    let isDetached = false;

    const evaluate = (): void => {
      const nowMs = Date.now();
      const verdict = judgeSkills(readSkillFacts(statusDir), supervisor.getConfig().skills, nowMs, baselineMs);
      const viewJson = JSON.stringify(verdict.view);
      if (viewJson !== lastViewJson) {
        lastViewJson = viewJson;
        supervisor.setStatusSection('skills', verdict.view);
      }
      if (verdict.reasons.join(',') !== lastReasons) {
        lastReasons = verdict.reasons.join(',');
        skillsLog[verdict.reasons.length > 0 ? 'warn' : 'info']({ reasons: verdict.reasons }, 'skills verdict changed');
      }
      supervisor.setDegradation('skills', verdict.reasons);
      clearTimeout(checkTimer);
      const untilStaleMs = verdict.nextCheckAtMs === null ? RESCAN_INTERVAL_MS : verdict.nextCheckAtMs - nowMs + STALE_MARGIN_MS;
      checkTimer = setTimeout(evaluate, Math.max(0, Math.min(RESCAN_INTERVAL_MS, untilStaleMs)));
      checkTimer.unref();
    };
    const evaluateSoon = (): void => {
      clearTimeout(debounceTimer);
      debounceTimer = setTimeout(evaluate, DEBOUNCE_MS);
    };

    let watcher: ReturnType<typeof watch> | null = null;
    try {
      mkdirSync(skillsDir, { recursive: true });
      watcher = watch(skillsDir, { recursive: false }, evaluateSoon);
      watcher.on('error', (error: Error) => skillsLog.warn({ err: describeError(error), skillsDir }, 'skills folder watch failed: rescanning on a timer'));
    } catch (error) {
      skillsLog.warn({ err: describeError(error), skillsDir }, 'cannot watch the skills folder: rescanning on a timer');
    }
    evaluate();
    // A skill added, removed or given another maxAgeMs is judged at once, not at the next rescan.
    onConfigReloaded(() => {
      if (!isDetached) evaluate();
    });
    return {
      detach() {
        isDetached = true;
        clearTimeout(checkTimer);
        clearTimeout(debounceTimer);
        watcher?.close();
      },
    };
  },
};

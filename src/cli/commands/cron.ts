import { callDaemon } from '../../control/control-client.js';
import { readCronStatus, type CronStatus } from '../../cron/cron-state-file.js';
import { ClawsupError } from '../../errors.js';
import type { ClawctlCommand } from '../command.js';
import { resolveControlTarget } from '../control-target.js';
import { formatDuration } from '../format-duration.js';
import { parseCommandArgs } from '../parse-command-args.js';

const USAGE = 'clawctl [--config FILE | --socket PATH] cron status [--json] | cron step-down';

/** The cron leader: this node's role and the holder (from status.dir/cron.json), or a hand-over of the lease. */
export const cronCommand: ClawctlCommand = {
  name: 'cron',
  summary: 'the cron leader: this node\'s role, the holder and its term (cron status), or hand leadership over (cron step-down)',
  usage: USAGE,
  subcommands: ['status', 'step-down'],
  async run(args, context) {
    const [verb, ...rest] = args;
    if (verb === 'step-down') {
      parseCommandArgs(rest, {}, USAGE);
      const target = await resolveControlTarget(context);
      const result = (await callDaemon(target.socketPath, 'cron-step-down', {}, 10_000)) as { wasLeader: boolean; term: number | null };
      context.stdout(result.wasLeader ? `stepped down: cron off here, lease of term ${result.term} released; another node takes it\n` : 'this node was not the leader: nothing to hand over\n');
      return 0;
    }
    if (verb !== 'status') throw new ClawsupError('CLAWSUP_ERR_USAGE', `cron takes status or step-down, found ${verb === undefined ? 'nothing' : `"${verb}"`}\nusage: ${USAGE}`);
    const { values } = parseCommandArgs(rest, { json: { type: 'boolean' } }, USAGE);
    const target = await resolveControlTarget(context);
    if (target.statusDir === null) throw new ClawsupError('CLAWSUP_ERR_USAGE', 'cron status is read from status.dir, which --socket alone does not say: give --config FILE');
    const status = readCronStatus(target.statusDir);
    if (status === null) throw new ClawsupError('CLAWSUP_ERR_USAGE', `${target.statusDir}: no cron.json: cron.leader is not enabled, or clawsupd has not run with it`);
    context.stdout(values.json === true ? `${JSON.stringify(status, null, 2)}\n` : renderCronStatus(status, Date.now()));
    return 0;
  },
};

export function renderCronStatus(status: CronStatus, nowMs: number): string {
  const holder = status.holder === null ? 'none known' : `${status.holder.node} (pid ${status.holder.pid}), term ${status.holder.term}`;
  const leaseAge = status.holder?.acquiredAt ? formatDuration(nowMs - Date.parse(status.holder.acquiredAt)) : 'unknown';
  const expires = status.leaseExpiresAt === null ? 'unknown' : `${formatDuration(Date.parse(status.leaseExpiresAt) - nowMs)} from now`;
  return [
    `role:       ${status.role}${status.role === 'no-quorum' ? ' (Redis unreachable: cron off on this node)' : ''}`,
    `node:       ${status.node}`,
    `cron here:  ${status.isCronOn ? 'on' : 'off'}`,
    `holder:     ${holder}`,
    `lease age:  ${leaseAge}; expires ${expires}`,
    `terms seen: up to ${status.highestTermSeen}`,
    `cron jobs:  ${status.jobs ? `${status.jobs.count}, definitions ${status.jobs.definitionsHash} (${describeJobsMatch(status.jobs)})` : status.jobsError ?? 'not read yet'}`,
    ...(typeof status.renewFailures === 'number' ? [`changes:    ${status.leadershipChanges} new leader(s) seen, ${status.renewFailures} failed renewal(s) since clawsupd started`] : []),
    ...(status.lastError === null ? [] : [`last error: ${status.lastError}`]),
    `as of:      ${status.updatedAt}`,
    '',
  ].join('\n');
}

/** A cron.json from an older clawsupd has no comparison: said as before. */
function describeJobsMatch(jobs: NonNullable<CronStatus['jobs']>): string {
  if (jobs.isSameAsLeader === true) return "the leader's";
  if (jobs.isSameAsLeader === false) return `DIFFERENT from the leader's ${jobs.leaderDefinitionsHash}: a failover to this node would run other jobs`;
  return 'not compared with the leader\'s yet';
}

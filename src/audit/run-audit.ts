import { redactSecrets } from '../gateway/redact.js';
import type { CapabilityVerdict, CheckPlan, ClaimedCapability } from './capability.js';
import { judgeChannelAccount } from './channel-verdict.js';
import { checkCompletion, fetchListModels } from './check-provider.js';
import { judgeListModels, type CheckVerdict, type ListModelsAnswer } from './list-models-verdict.js';
import { readModelsStatus } from './models-status.js';
import { startStopwatch } from '../monotonic-ms.js';

type ListModelsPlan = Extract<CheckPlan, { method: 'list-models' }>;

export interface AuditRunOptions {
  claims: readonly ClaimedCapability[];
  checkTimeoutMs: number;
  budgetMs: number;
  liveModelCalls: boolean;
  /** Every secret clawsup knows of (the openclaw.json ones, the keys in the plans): hidden in every detail. */
  knownSecrets: readonly string[];
  /** The gateway's `channels.status` with probe; null when it cannot be asked (then `channelsUnavailable` says why). */
  fetchChannelStatus: ((timeoutMs: number, signal: AbortSignal) => Promise<unknown>) | null;
  channelsUnavailable: string;
  /** `openclaw models status --json --check`; null when no openclaw command is known. */
  fetchModelsStatus: ((signal: AbortSignal) => Promise<unknown>) | null;
}

export interface AuditRun {
  capabilities: CapabilityVerdict[];
  notes: string[];
}

const BUDGET_SPENT = 'the audit\'s total budget ran out first';

/**
 * Checks every claim at once, each with its own deadline and all within the budget: one list-models request per
 * provider and key, one `channels.status` call for all channels, one models status. Never rejects.
 */
export async function runAudit(options: AuditRunOptions): Promise<AuditRun> {
  const budget = new AbortController();
  const budgetTimer = setTimeout(() => budget.abort(), options.budgetMs);
  const secrets = [...options.knownSecrets, ...options.claims.flatMap(({ check }) => (check.method === 'list-models' ? [check.apiKey] : []))];
  const clean = (text: string): string => redactSecrets(text, secrets);
  const notes: string[] = [];
  try {
    const providerChecks = new Map<string, Promise<Timed<ListModelsAnswer>>>();
    let channelStatus: Promise<TimedValue<unknown>> | null = null;
    const fetchModelsStatus = options.fetchModelsStatus;
    const modelsStatus = fetchModelsStatus === null ? null : timed(() => fetchModelsStatus(budget.signal), budget.signal);

    const verdicts = options.claims.map(async (claim): Promise<CapabilityVerdict> => {
      const { check } = claim;
      const base = { id: claim.id, kind: claim.kind, source: claim.source };
      if (check.method === 'none') return { ...base, result: 'unverified', latencyMs: null, detail: check.reason };
      if (check.method === 'list-models') {
        const key = `${check.baseUrl}\n${check.apiKey}`;
        let listing = providerChecks.get(key);
        if (listing === undefined) {
          listing = withDeadline(async (signal) => {
            const answer = await fetchListModels(check, signal);
            return { verdict: judgeListModels(answer, null), value: answer };
          }, options.checkTimeoutMs, budget.signal);
          providerChecks.set(key, listing);
        }
        const verdict = await judgeModel(await listing, check, options, budget.signal);
        return { ...base, result: verdict.verdict.result, latencyMs: verdict.latencyMs, detail: clean(verdict.verdict.detail) };
      }
      if (options.fetchChannelStatus === null) return { ...base, result: 'unverified', latencyMs: null, detail: options.channelsUnavailable };
      const fetchStatus = options.fetchChannelStatus;
      const deadline = AbortSignal.any([AbortSignal.timeout(options.checkTimeoutMs), budget.signal]);
      channelStatus ??= timed(() => fetchStatus(options.checkTimeoutMs, deadline), deadline);
      const answer = await channelStatus;
      if ('error' in answer) {
        // The channels could not be asked (a refused token, a gateway restarting): that says nothing of the accounts.
        return { ...base, result: answer.isTimeout ? 'timeout' : 'unverified', latencyMs: answer.latencyMs, detail: clean(`channels.status: ${answer.error}`) };
      }
      const verdict = judgeChannelAccount(answer.value, check.channel, check.account);
      return { ...base, result: verdict.result, latencyMs: answer.latencyMs, detail: clean(verdict.detail) };
    });

    const settled = await Promise.all(verdicts);
    if (modelsStatus === null) return { capabilities: settled, notes };
    const status = await modelsStatus;
    if ('error' in status) {
      notes.push(clean(`openclaw models status: ${status.error}`));
      return { capabilities: settled, notes };
    }
    const findings = readModelsStatus(status.value, settled.map(({ id }) => id));
    return { capabilities: settled.map((verdict) => applyFindings(verdict, findings, clean)), notes };
  } finally {
    clearTimeout(budgetTimer);
  }
}

interface Timed<T = CheckVerdict> {
  verdict: CheckVerdict;
  latencyMs: number;
  value?: T;
}

type TimedValue<T> = { value: T; latencyMs: number } | { error: string; isTimeout: boolean; latencyMs: number };

/** `run`'s answer, or its error; when `signal` fires first the wait ends then, whether or not `run` heeds the signal. */
async function timed<T>(run: () => Promise<T>, signal: AbortSignal): Promise<TimedValue<T>> {
  const latencyMs = startStopwatch();
  try {
    return { value: await raceAbort(run(), signal), latencyMs: latencyMs() };
  } catch (error) {
    const isTimeout = signal.aborted || (error as { kind?: unknown } | null)?.kind === 'timeout';
    const message = error instanceof Error ? error.message : String(error);
    return { error: signal.aborted && error === ABORTED ? `no answer within ${latencyMs()} ms` : message, isTimeout, latencyMs: latencyMs() };
  }
}

const ABORTED = new Error('aborted');

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) {
      reject(ABORTED);
      return;
    }
    const onAbort = (): void => reject(ABORTED);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** One check under its own deadline and the audit's budget: a hung endpoint is a `timeout`, an error `failed`. */
async function withDeadline<T>(check: (signal: AbortSignal) => Promise<{ verdict: CheckVerdict; value?: T }>, timeoutMs: number, budget: AbortSignal): Promise<Timed<T>> {
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = AbortSignal.any([deadline, budget]);
  const latency = startStopwatch();
  try {
    return { ...(await raceAbort(check(signal), signal)), latencyMs: latency() };
  } catch (error) {
    if (deadline.aborted) return { verdict: { result: 'timeout', detail: `no answer within ${timeoutMs} ms` }, latencyMs: latency() };
    if (budget.aborted) return { verdict: { result: 'timeout', detail: BUDGET_SPENT }, latencyMs: latency() };
    return { verdict: { result: 'failed', detail: describeFetchError(error) }, latencyMs: latency() };
  }
}

/** The provider's one answer, judged for this model; with `liveModelCalls`, an ok model then gets its one-token completion. */
async function judgeModel(listing: Timed<ListModelsAnswer>, plan: ListModelsPlan, options: AuditRunOptions, budget: AbortSignal): Promise<Timed> {
  if (listing.value === undefined) return { verdict: listing.verdict, latencyMs: listing.latencyMs };
  const verdict = judgeListModels(listing.value, plan.model);
  if (!options.liveModelCalls || verdict.result !== 'ok') return { verdict, latencyMs: listing.latencyMs };
  return withDeadline(async (signal) => ({ verdict: await checkCompletion(plan, signal) }), options.checkTimeoutMs, budget);
}

function describeFetchError(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  const message = error instanceof Error ? error.message : String(error);
  if (cause && typeof cause.message === 'string') return `${message}: ${cause.message}`;
  return message;
}

function applyFindings(verdict: CapabilityVerdict, findings: ReturnType<typeof readModelsStatus>, clean: (text: string) => string): CapabilityVerdict {
  const mine = findings.filter((finding) => finding.id === verdict.id);
  const failure = mine.find((finding) => !finding.isNoteOnly && finding.result === 'failed');
  if (failure !== undefined && verdict.result !== 'failed') return { ...verdict, result: 'failed', detail: clean(failure.detail) };
  const note = mine.find((finding) => finding.isNoteOnly);
  if (note !== undefined && verdict.result === 'unverified') return { ...verdict, detail: clean(`${verdict.detail}; ${note.detail}`) };
  return verdict;
}

import type { CheckResult } from './check-result.js';
import type { DoctorFacts } from './doctor-facts.js';

/** With one model and no fallback, every agent goes silent while that provider is overloaded. */
export function checkModelFallback(facts: DoctorFacts): CheckResult {
  const name = 'model fallback';
  const model = facts.openclawModel;
  if (model === null) return { name, verdict: 'unknown', detail: 'no OpenClaw config known (gateway.openclawConfigPath)', fix: null };
  if (model.error !== null) return { name, verdict: 'unknown', detail: `${model.path}: ${model.error}`, fix: null };
  if (model.fallbacks !== null && model.fallbacks.length > 0) {
    return { name, verdict: 'ok', detail: `fallbacks: ${model.fallbacks.join(', ')}`, fix: null };
  }
  return {
    name,
    verdict: 'warn',
    detail: `${model.path}: agents.defaults.model.fallbacks is empty`,
    fix: 'add a model of another provider to agents.defaults.model.fallbacks',
  };
}

/**
 * OpenClaw 2026.9.6 takes VITEST, VITEST_POOL_ID, VITEST_WORKER_ID or NODE_ENV=test for its own test mode, in which
 * it prints nothing (the Slack plugin's lines, its validator's verdict). Suites that run the real gateway under vitest
 * hand clawsupd, clawctl and the gateway an environment without them.
 */
export function isTestRunnerMarker(key: string): boolean {
  return key.startsWith('VITEST') || key === 'NODE_ENV';
}

/** `env` without the test runner's markers. */
export function withoutTestRunner(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([key]) => !isTestRunnerMarker(key)));
}

/** An overlay that unsets the markers `process.env` has, for helpers that merge an `env` over process.env. */
export const UNSET_TEST_RUNNER: NodeJS.ProcessEnv = Object.fromEntries(Object.keys(process.env).filter(isTestRunnerMarker).map((key) => [key, undefined]));

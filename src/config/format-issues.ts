import type { z } from 'zod';
import { redactSecrets, SECRET_NAME } from '../gateway/redact.js';
import { formatPath, type SourceLocation } from './json5-locations.js';

/** One line per schema problem: file:line:col: key.path: what was expected, what was found. */
export function formatConfigIssues(
  issues: readonly z.core.$ZodIssue[],
  filePath: string,
  locations: Map<string, SourceLocation>,
  rawConfig: unknown,
): string[] {
  const lines = issues.flatMap((issue) => {
    const path = issue.path.map((key) => (typeof key === 'symbol' ? String(key) : key));
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => {
        const keyPath = [...path, key];
        const where = locations.get(`${formatPath(keyPath)}#key`) ?? locations.get(formatPath(keyPath));
        return `${prefix(filePath, where)}${formatPath(keyPath)}: unknown key (a typo? unknown keys are refused, not ignored)`;
      });
    }
    const where = locations.get(formatPath(path)) ?? nearestLocation(path, locations);
    // Alert URLs are secrets by what they are (a Slack webhook's path is its key), whatever their key is called.
    const isSecret = path.some((key) => typeof key === 'string' && SECRET_NAME.test(key)) || isAlertUrlPath(path);
    const found = describeValue(valueAt(rawConfig, path), isSecret);
    const label = path.length > 0 ? formatPath(path) : '(top level)';
    return [`${prefix(filePath, where)}${label}: ${describeExpectation(issue)}, found ${found}`];
  });
  // zod can report one unknown key twice (once per branch it tried); one line says it.
  return [...new Set(lines)];
}

/** A webhook's or Alertmanager's URL, or an object or list holding one. */
function isAlertUrlPath(path: readonly PropertyKey[]): boolean {
  if (path[0] !== 'alerts' || (path[1] !== 'webhooks' && path[1] !== 'alertmanager')) return false;
  const last = path[path.length - 1];
  return typeof last !== 'string' || last === 'url' || last === 'webhooks' || last === 'alertmanager';
}

function prefix(filePath: string, where: SourceLocation | undefined): string {
  return where ? `${filePath}:${where.line}:${where.column}: ` : `${filePath}: `;
}

function nearestLocation(path: readonly PropertyKey[], locations: Map<string, SourceLocation>): SourceLocation | undefined {
  for (let length = path.length - 1; length >= 0; length -= 1) {
    const found = locations.get(formatPath(path.slice(0, length) as (string | number)[]));
    if (found) return found;
  }
  return undefined;
}

function describeExpectation(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') return `expected ${issue.expected}`;
  // zod's own message already says what was wanted ("Too small: expected number to be >=1").
  return issue.message.replace(/^Invalid input: /, '').replace(/^./, (c) => c.toLowerCase());
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = root;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/** What was found, never a secret: config errors reach the log and the terminal. */
function describeValue(value: unknown, isUnderSecretKey: boolean): string {
  if (value === undefined) return 'nothing (the key is missing)';
  if (isUnderSecretKey) return `a ${value === null ? 'null' : Array.isArray(value) ? 'list' : typeof value} (not shown: the key names a secret)`;
  const text = redactSecrets(stringifyForDisplay(value));
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function stringifyForDisplay(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    // Too deep for the stack (or a cycle): the type is all there is to say.
    return Array.isArray(value) ? 'a list nested too deeply to show' : 'an object nested too deeply to show';
  }
}

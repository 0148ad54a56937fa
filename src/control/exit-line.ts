import type { ExitRecord } from '../supervisor/modes.js';

/** The line a `logs` subscriber gets when the gateway exits, among its output: what ended it explains the lines before. Pure. */
export function describeExitLine(exit: ExitRecord): string {
  const how = exit.signal === null ? `code ${exit.code}` : `signal ${exit.signal}`;
  return `[clawsup] gateway exited (${how}, ${exit.class}: ${exit.reason}) at ${exit.at}`;
}

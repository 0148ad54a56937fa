/** How many gateway output lines may still be logged in the current window, and what was held back. */
export interface OutputBudget {
  windowStartMs: number;
  loggedLines: number;
  suppressedBytes: number;
}

export interface OutputBudgetLimits {
  linesPerWindow: number;
  windowMs: number;
}

export function createOutputBudget(nowMs: number): OutputBudget {
  return { windowStartMs: nowMs, loggedLines: 0, suppressedBytes: 0 };
}

/** Starts a new window when the current one is over and returns the bytes the old one held back; null while it lasts. */
export function renewOutputBudget(budget: OutputBudget, nowMs: number, limits: OutputBudgetLimits): number | null {
  if (nowMs - budget.windowStartMs < limits.windowMs) return null;
  const suppressedBytes = budget.suppressedBytes;
  budget.windowStartMs = nowMs;
  budget.loggedLines = 0;
  budget.suppressedBytes = 0;
  return suppressedBytes;
}

export function hasLinesLeft(budget: OutputBudget, limits: OutputBudgetLimits): boolean {
  return budget.loggedLines < limits.linesPerWindow;
}

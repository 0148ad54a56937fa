import type { SupervisorState } from '../supervisor/supervisor-state.js';

// systemd shows StatusText on one line in `systemctl status`; longer text only wraps the terminal.
const MAX_STATUS_LINE_CHARS = 240;

/** The one-line summary of the node's mode that systemd shows as StatusText. */
export function formatStatusLine(state: SupervisorState): string {
  return truncate(toOneLine(describeMode(state)));
}

function describeMode(state: SupervisorState): string {
  switch (state.mode) {
    case 'healthy':
      return 'healthy';
    case 'degraded':
      return state.reasons.length > 0 ? `degraded: ${state.reasons.join(', ')}` : 'degraded';
    case 'diagnose': {
      const diagnosis = state.diagnosis;
      return diagnosis === null ? 'diagnose' : `diagnose: ${diagnosis.reason} (${diagnosis.hint})`;
    }
    case 'backoff': {
      const reason = state.gateway.lastExit?.reason;
      return reason === undefined ? 'backoff: waiting to restart the gateway' : `backoff: ${reason}, waiting to restart the gateway`;
    }
    case 'held':
      return 'held: gateway stopped by clawctl stop';
    case 'starting':
      return state.gateway.restarts > 0 ? `starting (restart ${state.gateway.restarts})` : 'starting';
    case 'stopping':
    case 'stopped':
      return state.mode;
  }
}

function toOneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function truncate(text: string): string {
  return text.length <= MAX_STATUS_LINE_CHARS ? text : `${text.slice(0, MAX_STATUS_LINE_CHARS - 3)}...`;
}

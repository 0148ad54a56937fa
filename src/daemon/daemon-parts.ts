import type { DaemonPart } from './daemon-part.js';
import { controlPart } from '../control/control-part.js';
import { eventsPart } from '../events/events-part.js';
import { httpPart } from '../http/http-part.js';
import { metricsTextfilePart } from '../metrics/metrics-part.js';
import { logRotationPart } from './log-rotation-part.js';
import { logStatePart } from './log-state-part.js';
import { probesPart } from '../probes/probes-part.js';
import { skillsPart } from '../skills/skills-part.js';
import { systemdNotifyPart } from '../systemd/systemd-notify-part.js';

/** Everything clawsupd runs beside the core loop, attached in this order and detached in reverse. */
export const DAEMON_PARTS: readonly DaemonPart[] = [
  // First in, last out: systemd hears STOPPING=1 only after every other part has let go.
  systemdNotifyPart,
  controlPart,
  eventsPart,
  skillsPart,
  probesPart,
  httpPart,
  metricsTextfilePart,
  logRotationPart,
  logStatePart,
];

import type { Measure } from '../lib/measure.js';
import { idleFootprint } from './idle-footprint.js';
import { outputFlood } from './output-flood.js';
import { restartLatency } from './restart-latency.js';

/** Every measure, in the order the table lists them. */
export const MEASURES: readonly Measure[] = [restartLatency, idleFootprint, outputFlood];

import type { Measure } from '../lib/measure.js';
import { hangRestart } from './hang-restart.js';
import { idleFootprint } from './idle-footprint.js';
import { killRestart } from './kill-restart.js';
import { outputFlood } from './output-flood.js';
import { readyToHealthy } from './ready-to-healthy.js';
import { realGatewayRecovery } from './real-gateway-recovery.js';
import { restartLatency } from './restart-latency.js';
import { statusQuery } from './status-query.js';
import { statusSocket } from './status-socket.js';

/** Every measure, in the order the table lists them. */
export const MEASURES: readonly Measure[] = [restartLatency, killRestart, hangRestart, readyToHealthy, statusQuery, statusSocket, idleFootprint, outputFlood, realGatewayRecovery];

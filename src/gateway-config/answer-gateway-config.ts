import type { GatewayConfigAnswer, GatewayConfigRequest } from '../control/handle-request.js';
import type { Logger } from '../daemon/logger.js';
import type { Supervisor } from '../daemon/supervisor.js';
import type { EventSink } from '../events/event-sink.js';
import { gatewayConfigServiceFor } from './gateway-config-service.js';

/** The control socket's gateway-config methods, answered by the daemon's one gate. */
export async function answerGatewayConfig(request: GatewayConfigRequest, supervisor: Supervisor, context: { log: Logger; events: EventSink; env: NodeJS.ProcessEnv }): Promise<GatewayConfigAnswer> {
  const service = gatewayConfigServiceFor(supervisor, context);
  switch (request.method) {
    case 'gateway-config-apply':
      return service.apply(request.params);
    case 'gateway-config-rollback':
      return service.rollback(request.params);
    case 'gateway-config-history':
      return service.history(request.params.n);
    case 'gateway-config-diff':
      return service.diff(request.params.a, request.params.b);
  }
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ClawsupConfig } from '../config/schema.js';
import type { DaemonContext } from '../daemon/daemon-part.js';

/** One path on the listener. Every route is read-only: GET and HEAD. */
export interface HttpRoute {
  path: string;
  handle(request: IncomingMessage, response: ServerResponse): Promise<void> | void;
}

/** A feature's routes, loaded only when the listener is on; `detach` runs when the listener closes. */
export interface LoadedRoutes {
  routes: HttpRoute[];
  detach(): void;
}

/** A feature that serves paths on the listener (metrics, the fleet view's API and page). */
export interface HttpRouteSource {
  name: string;
  isEnabled(config: ClawsupConfig): boolean;
  load(context: DaemonContext): Promise<LoadedRoutes>;
}

import type { HttpRouteSource } from './http-route.js';
import { metricsRouteSource } from '../metrics/metrics-route.js';
import { nodeApiRouteSource } from '../node-api/node-api-routes.js';
import { nodePageRouteSource } from '../node-api/node-page-route.js';

/** Every feature that serves paths on the one listener (http.listen); the fleet view's API and page join here. */
export const HTTP_ROUTE_SOURCES: readonly HttpRouteSource[] = [metricsRouteSource, nodeApiRouteSource, nodePageRouteSource];

import type { HttpRouteSource } from '../http/http-route.js';
import { leaseCollector } from './shared-collector.js';

/** /metrics on the listener, in Prometheus' text format. */
export const metricsRouteSource: HttpRouteSource = {
  name: 'metrics',
  isEnabled: () => true,
  async load(context) {
    const lease = await leaseCollector(context);
    return {
      routes: [
        {
          path: '/metrics',
          async handle(_request, response) {
            const text = await lease.collector.render();
            response.writeHead(200, { 'content-type': lease.collector.contentType });
            response.end(text);
          },
        },
      ],
      detach: () => lease.release(),
    };
  },
};

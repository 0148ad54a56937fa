import type { HttpRouteSource } from '../http/http-route.js';

/**
 * `/`: the node's own status page, the fleet page's renderer in its node kind; its script reads /api/v1/view with the
 * session cookie a `/?token=T` sign-in set. The CSP lets only the page's own script and style run.
 */
export const nodePageRouteSource: HttpRouteSource = {
  name: 'node-page',
  isEnabled: () => true,
  async load(context) {
    const { renderStatusPage, STATUS_PAGE_HEADERS } = await import('../fleet/status-page.js');
    return {
      routes: [
        {
          path: '/',
          handle(_request, response) {
            const name = context.supervisor.getConfig().http.nodeName ?? context.supervisor.getStatus().daemon.host;
            const html = renderStatusPage({ title: `clawsup: ${name}`, viewPath: '/api/v1/view', kind: 'node' });
            response.writeHead(200, { ...STATUS_PAGE_HEADERS, 'content-length': Buffer.byteLength(html) });
            response.end(html);
          },
        },
      ],
      detach: () => undefined,
    };
  },
};

// The /metrics endpoint as a plain Node request handler, so an application can mount it in its own server
// (http.createServer, or as a fallback handler behind its router), or run it alone with startMetricsServer.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

/** Default port of startMetricsServer: 9464, the port OpenTelemetry's Prometheus exporter uses. */
export const DEFAULT_METRICS_PORT = 9464;

/** The path the handler serves. */
export const METRICS_PATH = '/metrics';

export type RequestHandler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/**
 * Serves `GET /metrics` (and HEAD) from `registry` in Prometheus' text format; any other path answers 404, any
 * other method on /metrics 405. Never throws: a failing collector answers 500 with the error message.
 * @example http.createServer(metricsHandler(createMetrics().registry)).listen(9464)
 */
export function metricsHandler(registry: Registry): RequestHandler {
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== METRICS_PATH) {
      res
        .writeHead(404, { 'content-type': 'text/plain; charset=utf-8' })
        .end(`Not found. Metrics are at ${METRICS_PATH}\n`);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('Use GET.\n');
      return;
    }
    registry.metrics().then(
      (text) => {
        res.writeHead(200, { 'content-type': registry.contentType });
        res.end(req.method === 'HEAD' ? undefined : text);
      },
      (err: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(`Collecting metrics failed: ${err instanceof Error ? err.message : String(err)}\n`);
      },
    );
  };
}

export interface MetricsServerOptions {
  readonly registry: Registry;
  /** TCP port; 0 picks a free one. Default `DEFAULT_METRICS_PORT` (9464). */
  readonly port?: number;
  /** Interface to listen on. Default `127.0.0.1` (not exposed beyond the machine unless asked). */
  readonly host?: string;
}

export interface MetricsServer {
  readonly server: http.Server;
  /** The scrape URL, e.g. `http://127.0.0.1:9464/metrics`. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Starts an HTTP server that serves only /metrics. Rejects with a clear message when the port is taken. */
export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? DEFAULT_METRICS_PORT;
  const server = http.createServer(metricsHandler(options.registry));
  await new Promise<void>((resolve, reject) => {
    server.once('error', (cause: NodeJS.ErrnoException) =>
      reject(
        new Error(
          cause.code === 'EADDRINUSE'
            ? `Port ${port} on ${host} is already in use. Choose another port (0 picks a free one).`
            : `Could not listen on ${host}:${port}: ${cause.message}`,
          { cause },
        ),
      ),
    );
    server.listen(port, host, () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    server,
    port: bound,
    url: `http://${shownHost}:${bound}${METRICS_PATH}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

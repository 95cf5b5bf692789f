/**
 * The HTTP endpoint: /metrics (path configurable), /healthz, /readyz and a small landing page.
 *
 * A request never talks to Kafka: /metrics serves the Kafka exposition the caller prepared after the last
 * poll (src/http/exposition.ts) followed by the self metrics, rendered from their prom-client registry at
 * every scrape. Rendering the self registry costs a few milliseconds and keeps process metrics (CPU,
 * memory, event loop) current, which a per-poll cache would not.
 */
import { once } from 'node:events';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { gzipWithSuffix, type PreparedExposition } from './exposition.js';

/** Whether lagwatch is ready to be scraped, and if not, which clusters have not completed a poll. */
export interface Readiness {
  readonly ready: boolean;
  /** `kafka_cluster` values of clusters still waiting for their first completed poll. */
  readonly pending: readonly string[];
}

export interface ServerOptions {
  /** Path of the metrics endpoint (`--web.telemetry-path`), e.g. `/metrics`; must start with `/`. */
  readonly telemetryPath: string;
  /**
   * The cached Kafka exposition, replaced by the caller once per poll (`prepareExposition(renderKafkaMetrics(…))`).
   * Read once per scrape.
   */
  readonly metrics: () => PreparedExposition;
  /** Self metrics, rendered at every scrape; must use the text format 0.0.4 content type (prom-client's default). */
  readonly selfRegistry: Registry;
  /** Current readiness; /readyz answers 200 when ready, else 503 naming the pending clusters. */
  readonly readiness: () => Readiness;
  readonly logger: Logger;
}

/** The server before and after `listen`. */
export interface MetricsServer {
  /** The express application (e.g. to mount it in an HTTPS server). */
  readonly app: Express;
  /**
   * Starts listening; resolves with the bound address (port 0 picks a free port).
   * @throws the listen error (e.g. EADDRINUSE) as a rejection.
   */
  listen(host: string, port: number): Promise<AddressInfo>;
  /**
   * Stops accepting connections, closes idle keep-alive connections, lets requests in flight finish, and
   * after `graceMs` (default 5,000 ms) closes the connections still open. Resolves when the server is closed;
   * resolves at once when it is not listening.
   */
  close(graceMs?: number): Promise<void>;
}

/** Paths the server owns besides the telemetry path. */
const HEALTH_PATH = '/healthz';
const READY_PATH = '/readyz';
const CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

/**
 * Builds the HTTP server. Routes:
 * - `GET <telemetryPath>`: Kafka exposition + self metrics, gzip-encoded when the client accepts gzip;
 * - `GET /healthz`: 200 `ok` while the process runs (liveness; never touches Kafka);
 * - `GET /readyz`: 200 `ok` when ready, else 503 with the clusters still pending;
 * - `GET /`: an HTML page linking to the others (unless the telemetry path is `/`);
 * - anything else: 404.
 * @throws Error when `telemetryPath` does not start with `/` or collides with /healthz or /readyz.
 */
export function createServer(options: ServerOptions): MetricsServer {
  const { telemetryPath, logger } = options;
  if (!telemetryPath.startsWith('/'))
    throw new Error(`telemetry path must start with /, got ${telemetryPath}`);
  if (telemetryPath === HEALTH_PATH || telemetryPath === READY_PATH) {
    throw new Error(`telemetry path ${telemetryPath} collides with a built-in endpoint`);
  }

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false); // an ETag would hash megabytes of exposition per scrape for no use

  // Exact match instead of an express route: the configured path is not an express path pattern.
  app.use((req, res, next) => {
    if (req.path !== telemetryPath || (req.method !== 'GET' && req.method !== 'HEAD')) return next();
    serveMetrics(options, req, res).catch(next);
  });
  app.get(HEALTH_PATH, (_req, res) => {
    res.type('text/plain').send('ok\n');
  });
  app.get(READY_PATH, (_req, res) => {
    const { ready, pending } = options.readiness();
    res.set('Cache-Control', 'no-store').type('text/plain');
    if (ready) res.send('ok\n');
    else res.status(503).send(`not ready; waiting for a first poll of: ${pending.join(', ') || '(none)'}\n`);
  });
  app.get('/', (_req, res) => {
    res.type('html').send(landingPage(telemetryPath));
  });
  app.use((_req, res) => {
    res.status(404).type('text/plain').send('not found\n');
  });
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    logger.error({ err, path: req.path }, 'HTTP request failed');
    if (res.headersSent) return res.end();
    res.status(500).type('text/plain').send('internal error\n');
  });

  let server: Server | undefined;
  return {
    app,
    async listen(host, port) {
      if (server) throw new Error('already listening');
      const s = createHttpServer(app);
      server = s;
      s.listen(port, host);
      try {
        await once(s, 'listening');
      } catch (e) {
        server = undefined;
        throw e;
      }
      const address = s.address() as AddressInfo;
      logger.info({ address: address.address, port: address.port, telemetryPath }, 'HTTP server listening');
      return address;
    },
    async close(graceMs = 5000) {
      const s = server;
      if (!s) return;
      server = undefined;
      const closed = new Promise<void>((resolve, reject) =>
        s.close((err) => (err ? reject(err) : resolve())),
      );
      s.closeIdleConnections();
      const force = setTimeout(() => s.closeAllConnections(), graceMs);
      try {
        await closed;
      } finally {
        clearTimeout(force);
      }
    },
  };
}

/** Writes the Kafka exposition and the self metrics as one body, gzip-encoded when acceptable. */
async function serveMetrics(options: ServerOptions, req: Request, res: Response): Promise<void> {
  const kafka = options.metrics(); // taken once: a poll replacing the cache meanwhile does not mix two versions
  const self = Buffer.from(await options.selfRegistry.metrics(), 'utf8');
  res.set('Content-Type', CONTENT_TYPE).set('Cache-Control', 'no-store').vary('Accept-Encoding');
  if (acceptsGzip(req)) {
    res.set('Content-Encoding', 'gzip').send(gzipWithSuffix(kafka, self));
  } else {
    res.send(Buffer.concat([kafka.bytes, self]));
  }
}

/** True when the request's Accept-Encoding allows gzip; a request without the header gets identity. */
function acceptsGzip(req: Request): boolean {
  return req.get('Accept-Encoding') !== undefined && req.acceptsEncodings('gzip', 'identity') === 'gzip';
}

/** The landing page: links to the endpoints, no external assets. */
function landingPage(telemetryPath: string): string {
  const metrics = escapeHtml(telemetryPath);
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>lagwatch</title></head>
<body>
<h1>lagwatch</h1>
<p>Kafka consumer-lag exporter for Prometheus.</p>
<ul>
<li><a href="${metrics}">${metrics}</a>: metrics (Kafka values from the last background poll)</li>
<li><a href="${HEALTH_PATH}">${HEALTH_PATH}</a>: liveness</li>
<li><a href="${READY_PATH}">${READY_PATH}</a>: readiness (every cluster polled)</li>
</ul>
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}

import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { prepareExposition, type PreparedExposition } from '../../../src/http/exposition.js';
import {
  createServer,
  type MetricsServer,
  type Readiness,
  type ServerOptions,
} from '../../../src/http/server.js';
import { SelfMetrics } from '../../../src/metrics/self.js';
import { find, parseExposition } from '../../support/exposition.js';

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** One real HTTP request on a fresh connection; the body is returned as received (not decompressed). */
function request(
  url: string,
  headers: Record<string, string> = {},
  method = 'GET',
  agent?: Agent,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers, agent: agent ?? false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const KAFKA_TEXT =
  '# HELP kafka_brokers Number of brokers.\n# TYPE kafka_brokers gauge\nkafka_brokers{kafka_cluster="main"} 3\n';
const silent = pino({ level: 'silent' });

interface Harness {
  base: string;
  server: MetricsServer;
  self: SelfMetrics;
  setKafka(text: string): void;
  setReadiness(r: Readiness): void;
}

const started: MetricsServer[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.close()));
});

/** A server on 127.0.0.1 with a free port, a settable Kafka cache and readiness, deterministic self metrics. */
async function start(over: Partial<ServerOptions> = {}): Promise<Harness> {
  let kafka: PreparedExposition = prepareExposition(KAFKA_TEXT);
  let readiness: Readiness = { ready: false, pending: ['main', 'dr'] };
  const self = new SelfMetrics({ version: 't', revision: 't', defaultMetrics: false, clusters: ['main'] });
  const server = createServer({
    telemetryPath: '/metrics',
    metrics: () => kafka,
    selfRegistry: self.registry,
    readiness: () => readiness,
    logger: silent,
    ...over,
  });
  started.push(server);
  const address = await server.listen('127.0.0.1', 0);
  return {
    base: `http://127.0.0.1:${address.port}`,
    server,
    self,
    setKafka: (text) => (kafka = prepareExposition(text)),
    setReadiness: (r) => (readiness = r),
  };
}

function staticOptions(): Omit<ServerOptions, 'telemetryPath'> {
  return {
    metrics: () => prepareExposition(''),
    selfRegistry: new Registry(),
    readiness: () => ({ ready: true, pending: [] }),
    logger: silent,
  };
}

describe('HTTP server: /metrics', () => {
  it('serves the cached Kafka text followed by the self metrics, as text format 0.0.4', async () => {
    const h = await start();
    const res = await request(`${h.base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.headers.etag).toBeUndefined();
    const text = res.body.toString('utf8');
    expect(text.startsWith(KAFKA_TEXT)).toBe(true);
    expect(text.slice(KAFKA_TEXT.length)).toBe(await h.self.registry.metrics());
    const samples = parseExposition(text);
    expect(find(samples, 'kafka_brokers')?.value).toBe(3);
    expect(find(samples, 'lagwatch_up', { kafka_cluster: 'main' })?.value).toBe(0);
  });

  it('serves gzip when accepted, decoding to the same body', async () => {
    const h = await start();
    const plain = await request(`${h.base}/metrics`);
    const gz = await request(`${h.base}/metrics`, { 'Accept-Encoding': 'gzip, deflate, br' });
    expect(gz.status).toBe(200);
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers.vary).toMatch(/Accept-Encoding/);
    expect(gz.headers['content-type']).toBe(plain.headers['content-type']);
    expect(gunzipSync(gz.body).equals(plain.body)).toBe(true);
  });

  it('serves identity without Accept-Encoding, or when gzip is refused', async () => {
    const h = await start();
    const variants: Record<string, string>[] = [
      {},
      { 'Accept-Encoding': 'identity' },
      { 'Accept-Encoding': 'gzip;q=0, identity' },
    ];
    for (const headers of variants) {
      const res = await request(`${h.base}/metrics`, headers);
      expect(res.headers['content-encoding'], JSON.stringify(headers)).toBeUndefined();
      expect(res.body.toString('utf8').startsWith(KAFKA_TEXT)).toBe(true);
    }
  });

  it('serves the latest cached text and current self metrics at each scrape', async () => {
    const h = await start();
    h.setKafka('kafka_brokers{kafka_cluster="main"} 4\n');
    h.self.recordPoll('main', {
      ok: true,
      durationSeconds: 1,
      finishedAt: 1_000,
      errors: [],
      requestDeltas: new Map(),
    });
    const res = await request(`${h.base}/metrics`, { 'Accept-Encoding': 'gzip' });
    const samples = parseExposition(gunzipSync(res.body).toString('utf8'));
    expect(find(samples, 'kafka_brokers')?.value).toBe(4);
    expect(find(samples, 'lagwatch_up', { kafka_cluster: 'main' })?.value).toBe(1);
  });

  it('answers HEAD without a body', async () => {
    const h = await start();
    const res = await request(`${h.base}/metrics`, {}, 'HEAD');
    expect(res.status).toBe(200);
    expect(res.body.length).toBe(0);
  });

  it('honours a custom telemetry path, also /', async () => {
    const h = await start({ telemetryPath: '/custom/path' });
    expect((await request(`${h.base}/custom/path`)).status).toBe(200);
    expect((await request(`${h.base}/metrics`)).status).toBe(404);
    const root = await start({ telemetryPath: '/' });
    expect((await request(`${root.base}/`)).body.toString('utf8').startsWith(KAFKA_TEXT)).toBe(true);
  });

  it('rejects telemetry paths that do not start with / or collide with built-in endpoints', () => {
    for (const telemetryPath of ['metrics', '/healthz', '/readyz']) {
      expect(() => createServer({ ...staticOptions(), telemetryPath })).toThrow();
    }
  });

  it('answers 500 when the self registry fails to render', async () => {
    const failing = new Registry();
    failing.metrics = () => Promise.reject(new Error('boom'));
    const h = await start({ selfRegistry: failing });
    const res = await request(`${h.base}/metrics`);
    expect(res.status).toBe(500);
    expect(res.body.toString()).toBe('internal error\n');
  });
});

describe('HTTP server: health, readiness, landing page', () => {
  it('/healthz answers 200 ok', async () => {
    const h = await start();
    const res = await request(`${h.base}/healthz`);
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('ok\n');
  });

  it('/readyz answers 503 naming the pending clusters, then 200 once ready', async () => {
    const h = await start();
    const before = await request(`${h.base}/readyz`);
    expect(before.status).toBe(503);
    expect(before.body.toString()).toMatch(/main, dr/);
    h.setReadiness({ ready: true, pending: [] });
    const after = await request(`${h.base}/readyz`);
    expect(after.status).toBe(200);
    expect(after.body.toString()).toBe('ok\n');
  });

  it('/ links to the endpoints without external assets', async () => {
    const h = await start();
    const res = await request(`${h.base}/`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    const html = res.body.toString();
    for (const path of ['/metrics', '/healthz', '/readyz']) expect(html).toContain(`href="${path}"`);
    expect(html).not.toMatch(/(src|href)="https?:/);
  });

  it('answers 404 for unknown paths and methods', async () => {
    const h = await start();
    expect((await request(`${h.base}/nope`)).status).toBe(404);
    expect((await request(`${h.base}/metrics/extra`)).status).toBe(404);
    expect((await request(`${h.base}/metrics`, {}, 'POST')).status).toBe(404);
  });
});

describe('HTTP server: lifecycle', () => {
  it('closes, also with an idle keep-alive connection, and refuses connections afterwards', async () => {
    const h = await start();
    const agent = new Agent({ keepAlive: true });
    expect((await request(`${h.base}/healthz`, {}, 'GET', agent)).status).toBe(200);
    const t0 = Date.now();
    await h.server.close(10_000);
    expect(Date.now() - t0).toBeLessThan(5_000); // the idle connection did not hold the close
    agent.destroy();
    await expect(request(`${h.base}/healthz`)).rejects.toThrow(/ECONNREFUSED/);
    await h.server.close(); // idempotent
  });

  it('rejects listen on a port in use', async () => {
    const h = await start();
    const other = createServer({ ...staticOptions(), telemetryPath: '/metrics' });
    await expect(other.listen('127.0.0.1', Number(new URL(h.base).port))).rejects.toThrow(/EADDRINUSE/);
  });
});

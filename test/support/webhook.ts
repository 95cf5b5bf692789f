/**
 * An HTTP receiver for Alertmanager's webhook notifications, inside the test process.
 *
 * ```ts
 * const hook = await startWebhookReceiver();
 * // Alertmanager config: webhook_configs: [{ url: hook.url, send_resolved: true }]
 * const alert = await hook.waitForAlert('firing', (a) => a.labels.alertname === 'LagwatchConsumerGroupLagHigh');
 * await hook.stop();
 * ```
 *
 * Every POST body is parsed (Alertmanager webhook payload version 4) and kept in arrival order; waits poll
 * that list with a deadline.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitFor } from './workload.js';

/** One alert inside a notification. */
export interface WebhookAlert {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
  fingerprint: string;
}

/** An Alertmanager webhook notification (payload version 4). */
export interface WebhookNotification {
  version: string;
  groupKey: string;
  truncatedAlerts: number;
  status: 'firing' | 'resolved';
  receiver: string;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL: string;
  alerts: WebhookAlert[];
}

/** A received notification and when it arrived. */
export interface ReceivedNotification {
  receivedAt: number;
  body: WebhookNotification;
}

/** A running receiver. */
export interface WebhookReceiver {
  /** The URL to configure in Alertmanager, e.g. `http://127.0.0.1:41236/alerts`. */
  readonly url: string;
  /** Every notification received so far, oldest first. */
  readonly received: readonly ReceivedNotification[];
  /** Every alert of every notification received so far, oldest first. */
  alerts(): WebhookAlert[];
  /**
   * Waits until an alert with `status` matching `match` has arrived (also one that arrived before the call)
   * and returns the first such alert.
   * @throws Error after `timeoutMs` (default 60 000) listing what did arrive.
   */
  waitForAlert(
    status: WebhookAlert['status'],
    match: (alert: WebhookAlert) => boolean,
    timeoutMs?: number,
  ): Promise<WebhookAlert>;
  /** Stops listening. Idempotent. */
  stop(): Promise<void>;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** Starts a receiver on a free loopback port. Answers every POST with 200, anything else with 404. */
export async function startWebhookReceiver(path = '/alerts'): Promise<WebhookReceiver> {
  const received: ReceivedNotification[] = [];
  const rejected: string[] = [];
  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    if (request.method !== 'POST' || request.url !== path) {
      response.writeHead(404).end();
      return;
    }
    const text = await readBody(request);
    try {
      received.push({ receivedAt: Date.now(), body: JSON.parse(text) as WebhookNotification });
      response.writeHead(200).end();
    } catch {
      rejected.push(text);
      response.writeHead(400).end();
    }
  };
  const server = createServer((request, response) => {
    handle(request, response).catch(() => response.writeHead(500).end());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const alerts = (): WebhookAlert[] => received.flatMap((n) => n.body.alerts);
  let stopped: Promise<void> | undefined;

  return {
    url: `http://127.0.0.1:${port}${path}`,
    received,
    alerts,
    async waitForAlert(status, match, timeoutMs = 60_000) {
      try {
        return await waitFor(
          `a ${status} notification`,
          () => alerts().find((a) => a.status === status && match(a)),
          { timeoutMs, intervalMs: 100 },
        );
      } catch (error) {
        const seen = alerts().map((a) => `${a.status} ${JSON.stringify(a.labels)}`);
        throw new Error(
          `${(error as Error).message}; received ${seen.length} alert(s):\n${seen.join('\n')}` +
            (rejected.length > 0 ? `\nunparsable bodies: ${rejected.join('\n')}` : ''),
          { cause: error },
        );
      }
    },
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      return stopped;
    },
  };
}

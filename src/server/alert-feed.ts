import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { ALERT_CHANNEL } from '../modules/alert/alert.store.js';
import { BATCH_NOTICE_PREFIX, EVENT_CHANNEL } from '../modules/event/event.store.js';
import { log } from '../shared/log.js';
import type { PubSub } from './pubsub.js';

/** The PubSub topic on which the feed publishes the id of every committed alert (`alertRaised` listens on it). */
export const ALERT_RAISED = 'ALERT_RAISED';

/** The PubSub topic on which the feed publishes the id of every committed exchange event (`exchangeEvent` listens on it). */
export const EXCHANGE_EVENT = 'EXCHANGE_EVENT';

/** The feed's session as `pg_stat_activity` shows it. */
export const ALERT_FEED_APPLICATION_NAME = 'hub-alert-feed';

// Reconnect after 250 ms, doubling up to 5 s: a restarting database is back within seconds.
const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 5_000;
const CONNECT_TIMEOUT_MS = 5_000;

/** A running alert feed. */
export interface AlertFeed {
  /** Stops listening and closes the connection. */
  stop(): Promise<void>;
}

/**
 * Carries the alerts committed by any process to this process's subscribers:
 * a connection of its own LISTENs on ALERT_CHANNEL and EVENT_CHANNEL (a pooled
 * connection would lose its LISTEN when handed back) and publishes each alert
 * id on the ALERT_RAISED topic, each exchange event id on EXCHANGE_EVENT. When the connection drops it reconnects with a short
 * backoff; alerts committed meanwhile are not pushed live (NOTIFY is not
 * stored), but stay RAISED for the `alerts` query and the webhook outbox.
 * Resolves once listening, so that nothing committed after it is missed.
 */
export async function startAlertFeed(databaseUrl: string, pubSub: Pick<PubSub, 'publish'>): Promise<AlertFeed> {
  let stopped = false;
  const cancel = new AbortController();
  let reconnecting: Promise<void> | null = null;

  async function listen(): Promise<pg.Client> {
    const client = new pg.Client({
      connectionString: databaseUrl,
      application_name: ALERT_FEED_APPLICATION_NAME,
      // A listening connection only reads: without TCP keepalive one cut silently (a NAT, a firewall) would never end.
      keepAlive: true,
      // An unreachable server must not hold a reconnect attempt, or stop(), for minutes.
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    });
    // Without a listener an 'error' of the idle connection (the server going away) would crash the process; 'end' follows it.
    client.on('error', (error) => log.warn(`alert feed connection failed: ${error.message}`));
    // Notices are published in the order they came; a batch's (one NOTIFY for a bulk write's events) after reading its ids.
    let published: Promise<void> = Promise.resolve();
    const publish = (topic: string, ids: () => Promise<string[]>) => {
      published = published
        .then(async () => {
          for (const id of await ids()) pubSub.publish(topic, id);
        })
        .catch((error: unknown) =>
          log.warn(`alert feed could not read a batch of events: ${error instanceof Error ? error.message : String(error)}`),
        );
    };
    client.on('notification', ({ channel, payload }) => {
      if (!payload) return;
      if (channel === ALERT_CHANNEL) publish(ALERT_RAISED, async () => [payload]);
      if (channel === EVENT_CHANNEL && payload.startsWith(BATCH_NOTICE_PREFIX)) {
        const batchId = payload.slice(BATCH_NOTICE_PREFIX.length);
        publish(EXCHANGE_EVENT, async () =>
          (await client.query<{ id: string }>('SELECT id FROM hub_event WHERE batch_id = $1 ORDER BY id', [batchId])).rows.map(
            (row) => row.id,
          ),
        );
      } else if (channel === EVENT_CHANNEL) publish(EXCHANGE_EVENT, async () => [payload]);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${ALERT_CHANNEL}`);
      await client.query(`LISTEN ${EVENT_CHANNEL}`);
    } catch (error) {
      await client.end().catch(() => {});
      throw error;
    }
    client.once('end', () => {
      if (stopped) return;
      log.warn('alert feed lost its database connection; reconnecting');
      reconnecting = reconnect().finally(() => (reconnecting = null));
    });
    return client;
  }

  async function reconnect(): Promise<void> {
    for (let attempt = 0; !stopped; attempt += 1) {
      try {
        await sleep(Math.min(FIRST_RETRY_MS * 2 ** attempt, MAX_RETRY_MS), undefined, { signal: cancel.signal });
        current = await listen();
      } catch (error) {
        if (stopped) return;
        log.warn(`alert feed could not reconnect: ${error instanceof Error ? error.message : String(error)}`);
        continue;
      }
      // A stop() meanwhile waits for this attempt and then closes the connection it made.
      if (!stopped) log.info('alert feed is listening again');
      return;
    }
  }

  let current = await listen();
  return {
    async stop() {
      stopped = true;
      cancel.abort();
      await reconnecting;
      await current.end().catch(() => {});
    },
  };
}

// How a process wires the store integration: the worker gets the delivery activities' dependencies and
// the feed's retention, the API the application service. One place, used by worker.ts, api/server.ts
// and the tests' full stack alike.
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Db } from 'mongodb';
import type { StoreWebhookDeps } from '../activities';
import type { SecretBox } from '../lib/secret-box';
import { StoreEndpointsRepo } from '../storage/store-endpoints-repo';
import { StoreEventFeed } from '../storage/store-event-feed';
import { STORE_REPLAY_TASK_QUEUE, STORE_REPLAY_WORKFLOW, storeReplayWorkflowId, type StoreReplayInput } from '../workflows/store-replay/contract';
import { StoreEventFeedWriter } from './feed-writer';
import { StoreWebhooks } from './service';

export interface StoreWebhookSettings {
  /** One attempt's time limit. */
  timeoutMs: number;
  /** An endpoint failing this long without a success is disabled. */
  disableAfterHours: number;
  /** Events are kept (GET /api/events, replays) this long. */
  retentionDays: number;
}

export function storeWebhookWorkerDeps(
  db: Db,
  box: SecretBox,
  s: Pick<StoreWebhookSettings, 'timeoutMs' | 'disableAfterHours'>,
  hooks: Pick<StoreWebhookDeps, 'onDisabled' | 'onAttempt' | 'fetch' | 'retry'> = {},
): StoreWebhookDeps & { feedStore: StoreEventFeed } {
  const feedStore = new StoreEventFeed(db);
  return {
    endpoints: new StoreEndpointsRepo(db, box),
    feed: new StoreEventFeedWriter(feedStore),
    events: feedStore,
    feedStore,
    timeoutMs: s.timeoutMs,
    disableAfterMs: s.disableAfterHours * 3_600_000,
    ...hooks,
  };
}

export function storeWebhooksService(db: Db, box: SecretBox, client: Client): StoreWebhooks {
  return new StoreWebhooks(new StoreEndpointsRepo(db, box), new StoreEventFeed(db), async (endpointId, eventIds) => {
    const workflowId = storeReplayWorkflowId(endpointId, randomUUID());
    const input: StoreReplayInput = { endpointId, eventIds };
    await client.workflow.start(STORE_REPLAY_WORKFLOW, { taskQueue: STORE_REPLAY_TASK_QUEUE, workflowId, args: [input] });
    return workflowId;
  });
}

/** Deletes events older than the retention, hourly, in the background; returns a stop function. */
export function startStoreEventRetention(feed: StoreEventFeed, retentionDays: number, log: (m: string, meta?: Record<string, unknown>) => void): () => void {
  const run = () =>
    feed.prune(new Date(Date.now() - retentionDays * 86_400_000).toISOString()).then(
      (n) => n > 0 && log('old store events pruned', { segments: n }),
      (e: unknown) => log('store event retention failed (retried next hour)', { error: e instanceof Error ? e.message : String(e) }),
    );
  void run();
  const t = setInterval(() => void run(), 3_600_000);
  t.unref();
  return () => clearInterval(t);
}

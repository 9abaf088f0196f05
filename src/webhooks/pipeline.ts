// The webhook pipeline of one API process, wired in one place: ingest → group commit (journal segment +
// inbox) → ack; journal drainer → workflows; the relay for what could not be delivered at once (AWB not
// booked yet, a failed signal); retention of old deliveries. The API, the tests and the benchmarks all
// build it here, so they run the same path.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Db } from 'mongodb';
import type { Logger } from 'pino';
import type { WaybillMetrics } from '../lib/metrics';
import type { AwbIndexRepo } from '../storage/awb-index-repo';
import type { InboxRepo } from '../storage/inbox-repo';
import { WebhookJournal } from '../storage/webhook-journal';
import type { WebhookAuthSource } from './auth-settings';
import { InboxDeliverer, type DelivererDeps, type RetryPolicy } from './deliver';
import { GroupCommitter } from './group-commit';
import { WebhookIngestor } from './ingest';
import { DEFAULT_DRAINER_OPTIONS, JournalDrainer, type DrainerOptions } from './journal-drainer';
import type { WebhookModules } from './modules';
import { DEFAULT_RELAY_OPTIONS, WebhookRelay, type RelayOptions } from './relay';
import { DEFAULT_RETENTION, InboxRetention, type RetentionOptions } from './retention';

export interface PipelineOptions {
  /** Webhooks accepted but not yet delivered past which new ones get 503 + Retry-After (per API process). */
  maxBacklog: number;
  /** Most webhooks written by one group commit. */
  maxGroup: number;
  drainer: Partial<Omit<DrainerOptions, 'writer'>>;
  relay: Partial<RelayOptions>;
  retention: Partial<RetentionOptions>;
  retry: Partial<RetryPolicy>;
  /** This process's journal log id (default: host, pid and a random suffix, new at every start). */
  writer: string;
}

export const DEFAULT_PIPELINE = { maxBacklog: 200_000, maxGroup: 500 } as const;

export interface PipelineDeps {
  db: Db;
  inbox: InboxRepo;
  awbs: AwbIndexRepo;
  gateway: DelivererDeps['gateway'];
  modules: WebhookModules;
  auth: WebhookAuthSource;
  log: Logger;
  metrics?: Pick<WaybillMetrics, 'webhookCommit' | 'webhookDrain'>;
  now?: () => number;
}

export interface WebhookPipeline {
  ingestor: WebhookIngestor;
  committer: GroupCommitter;
  drainer: JournalDrainer;
  relay: WebhookRelay;
  retention: InboxRetention;
  deliverer: InboxDeliverer;
  journal: WebhookJournal;
  writer: string;
  start(): Promise<void>;
  /** Waits for the commit in flight, then stops draining; what is undelivered stays durable. */
  stop(): Promise<void>;
}

export function createWebhookPipeline(d: PipelineDeps, o: Partial<PipelineOptions> = {}): WebhookPipeline {
  const now = d.now ?? Date.now;
  const writer = o.writer ?? `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
  const journal = new WebhookJournal(d.db, now);
  const deliverer = new InboxDeliverer({ inbox: d.inbox, awbs: d.awbs, gateway: d.gateway, log: d.log, now, ...(o.retry ? { retry: o.retry } : {}) });
  const drainer = new JournalDrainer(
    journal,
    deliverer,
    d.log,
    { ...DEFAULT_DRAINER_OPTIONS, ...o.drainer, writer, ...(d.metrics ? { observe: d.metrics.webhookDrain } : {}) },
    now,
  );
  const committer = new GroupCommitter({
    inbox: d.inbox,
    journal,
    writer,
    log: d.log,
    maxGroup: o.maxGroup ?? DEFAULT_PIPELINE.maxGroup,
    onCommitted: (seq, items) => drainer.onCommitted(seq, items),
    ...(d.metrics ? { observe: d.metrics.webhookCommit } : {}),
    now,
  });
  const ingestor = new WebhookIngestor({
    modules: d.modules,
    auth: d.auth,
    committer,
    log: d.log,
    backlog: () => drainer.backlog(),
    maxBacklog: o.maxBacklog ?? DEFAULT_PIPELINE.maxBacklog,
    settled: async () => {
      await committer.idle();
      await drainer.caughtUp();
    },
  });
  const relay = new WebhookRelay(d.inbox, deliverer, d.log, { ...DEFAULT_RELAY_OPTIONS, intervalMs: 1_000, ...o.relay });
  const retention = new InboxRetention(journal, d.inbox, d.log, { ...DEFAULT_RETENTION, ...o.retention }, now);
  return {
    ingestor,
    committer,
    drainer,
    relay,
    retention,
    deliverer,
    journal,
    writer,
    async start() {
      await drainer.start();
      relay.start();
      retention.start();
    },
    async stop() {
      await committer.idle();
      await Promise.all([drainer.stop(), relay.stop(), retention.stop()]);
    },
  };
}

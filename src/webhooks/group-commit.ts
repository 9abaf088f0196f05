// Group commit: the webhooks that arrive while one commit is being written are written together by the
// next, so a burst costs a few writes per group rather than a few per request. A commit is two writes:
//   1. the journal segment carrying the group (what the drainer delivers), then
//   2. the inbox documents, in one unordered insert whose duplicate-key errors say, per request, which
//      webhook was a courier's resend of one already accepted.
// In that order, an inbox document always has its segment: a crash between the two leaves a segment
// whose requests were never acknowledged; their resends are accepted again and delivered again, which
// the workflows' event dedupe makes harmless. Nothing is acknowledged before both writes land.
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import type { InboxRecord, InboxRepo } from '../storage/inbox-repo';
import { segmentId, type JournalItem, type JournalSegment, type WebhookJournal } from '../storage/webhook-journal';

export interface CommitResult {
  duplicate: boolean;
}

export interface GroupCommitterDeps {
  inbox: InboxRepo;
  journal: WebhookJournal;
  /** This process's log. */
  writer: string;
  log: Logger;
  /** Most webhooks in one commit (bounds one write's size). */
  maxGroup: number;
  /** The segment `seq` is durable; `items` is null when its content is not known here (read it back). */
  onCommitted(seq: number, items: JournalItem[] | null): void;
  /** Each successful commit: webhooks in it and seconds it took (metrics). */
  observe?: (size: number, seconds: number) => void;
  now?: () => number;
}

interface Waiting {
  doc: InboxRecord;
  resolve(r: CommitResult): void;
  reject(e: unknown): void;
}

export class GroupCommitter {
  private waiting: Waiting[] = [];
  private committing: Promise<void> | undefined;
  private seq = 0;
  private readonly now: () => number;

  constructor(private readonly d: GroupCommitterDeps) {
    this.now = d.now ?? Date.now;
  }

  /** Resolves once the webhook is durable (or was already): only then may the courier have its 200. */
  submit(doc: InboxRecord): Promise<CommitResult> {
    return new Promise<CommitResult>((resolve, reject) => {
      this.waiting.push({ doc, resolve, reject });
      this.kick();
    });
  }

  /** Resolves when nothing is waiting or being written (shutdown, tests). */
  async idle(): Promise<void> {
    while (this.committing) await this.committing;
  }

  private kick(): void {
    if (this.committing || this.waiting.length === 0) return;
    const group = this.waiting.splice(0, this.d.maxGroup);
    this.committing = this.commit(group).finally(() => {
      this.committing = undefined;
      this.kick();
    });
  }

  private async commit(group: Waiting[]): Promise<void> {
    const started = performance.now();
    // Two copies of one webhook in the same group: the first is written, the others are its duplicates.
    const first = new Map<string, InboxRecord>();
    for (const w of group) if (!first.has(w.doc._id)) first.set(w.doc._id, w.doc);
    const docs = [...first.values()];
    const items: JournalItem[] = docs.map((d) => ({ id: d._id, courier: d.courier, receivedAt: d.receivedAt, deliveries: d.deliveries }));
    let seq: number;
    try {
      seq = await this.append(items);
    } catch (e) {
      for (const w of group) w.reject(e);
      return;
    }
    let dupes: Set<string>;
    try {
      dupes = await this.d.inbox.insertGroup(docs);
    } catch (e) {
      // The segment is written and will be delivered; the inbox documents may not be. The courier gets a
      // 5xx and resends: accepted again, delivered again, applied once.
      this.d.onCommitted(seq, items);
      for (const w of group) w.reject(e);
      return;
    }
    if (dupes.size) {
      await this.d.journal.markDupes(segmentId(this.d.writer, seq), [...dupes]).catch((err: unknown) => this.d.log.warn({ err }, 'could not mark duplicates in the webhook journal; they will be signalled again, harmlessly'));
    }
    this.d.onCommitted(
      seq,
      items.filter((i) => !dupes.has(i.id)),
    );
    this.d.observe?.(group.length, (performance.now() - started) / 1000);
    const seen = new Set<string>();
    for (const w of group) {
      const duplicate = dupes.has(w.doc._id) || seen.has(w.doc._id);
      seen.add(w.doc._id);
      w.resolve({ duplicate });
    }
  }

  /** Appends under the next seq. A seq found taken was an earlier append that failed but landed. */
  private async append(items: JournalItem[]): Promise<number> {
    for (;;) {
      const seq = this.seq;
      const seg: JournalSegment = { _id: segmentId(this.d.writer, seq), writer: this.d.writer, seq, at: new Date(this.now()).toISOString(), items };
      const ok = await this.d.journal.append(seg);
      this.seq = seq + 1;
      if (ok) return seq;
      this.d.onCommitted(seq, null);
    }
  }
}

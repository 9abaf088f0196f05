import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities, type NotifyInput, type OutgoingMessage } from '../../src/activities';
import { NotificationError, NotificationSkipped } from '../../src/notifications/errors';
import type { Mongo } from '../../src/storage/mongo';
import { MongoNotificationLedger } from '../../src/storage/notification-ledger';
import type { NotificationDoc, NotificationLedger } from '../../src/storage/types';
import { freshMongo } from '../support/mongo';
import { fakeWorld, MemoryNotificationLedger, RecordingSender } from '../support/workflow-fakes';

const base: NotifyInput = { orderId: 'N1', event: 'shipped', channel: 'email', facts: { awb: 'AWB1', courier: 'delhivery', trackingPageUrl: 'https://s/t' }, recipient: { email: 'a@b.in', phone: '9876543210' } };
const run = (input: NotifyInput, acts: ReturnType<typeof createActivities>) => new MockActivityEnvironment().run(acts.notify, input) as ReturnType<typeof acts.notify>;

describe('notify', () => {
  it('sends once per order × event × channel, however often it is asked', async () => {
    const world = fakeWorld();
    const acts = createActivities(world.deps);
    expect((await run(base, acts)).outcome).toBe('sent');
    expect((await run(base, acts)).outcome).toBe('already_done');
    expect((await run({ ...base, channel: 'whatsapp' }, acts)).outcome).toBe('sent');
    expect(world.sender.keys()).toEqual(['shipped:email', 'shipped:whatsapp']);
    expect(world.sender.sent[0]?.data.trackingPageUrl).toBe('https://s/t');
  });

  it('skips a channel with no address on file, for good', async () => {
    const world = fakeWorld();
    const acts = createActivities(world.deps);
    const r = await run({ ...base, recipient: { phone: '9876543210' } }, acts);
    expect(r).toMatchObject({ outcome: 'skipped', reason: 'no email on file' });
    expect(world.ledger.docs.get('N1:shipped:email')?.status).toBe('skipped');
    expect((await run(base, acts)).outcome).toBe('already_done');
    expect(world.sender.sent).toHaveLength(0);
  });

  it('a provider failure is recorded and retried; the retry sends', async () => {
    const world = fakeWorld();
    const acts = createActivities(world.deps);
    world.sender.failing.add('email');
    await expect(run(base, acts)).rejects.toMatchObject({ type: 'NotificationFailed', nonRetryable: false });
    expect(world.ledger.docs.get('N1:shipped:email')?.status).toBe('failed');
    world.sender.failing.clear();
    expect((await run(base, acts)).outcome).toBe('sent');
    expect(world.sender.sent).toHaveLength(1);
  });

  it('admin alerts go to the configured admin address, never to the customer', async () => {
    const world = fakeWorld();
    const acts = createActivities(world.deps);
    await run({ ...base, event: 'admin_ndr_alert', channel: 'admin_email', recipient: undefined as never }, acts);
    expect(world.sender.sent[0]).toMatchObject({ to: 'ops@store.example', channel: 'admin_email' });
  });
});

describe('notify with the real sender’s failure vocabulary', () => {
  it('a deliberate skip is recorded as skipped, a permanent failure is not retried, a retryable one keeps its wait', async () => {
    const world = fakeWorld();
    const acts = createActivities(world.deps);
    let next: Error = new NotificationSkipped('whatsapp is switched off');
    world.deps.sender.send = async () => {
      throw next;
    };
    expect(await run({ ...base, channel: 'whatsapp' }, acts)).toEqual({ outcome: 'skipped', reason: 'whatsapp is switched off' });
    expect(world.ledger.docs.get('N1:shipped:whatsapp')?.status).toBe('skipped');
    next = new NotificationError('permanent', 'invalid_recipient', 'no such mailbox', { provider: 'smtp' });
    await expect(run(base, acts)).rejects.toMatchObject({ type: 'NotificationPermanent', nonRetryable: true });
    next = new NotificationError('retryable', 'rate_limited', 'slow down', { provider: 'whatsapp', retryAfterMs: 9000 });
    await expect(run({ ...base, event: 'delivered' }, acts)).rejects.toMatchObject({ type: 'NotificationFailed', nonRetryable: false, nextRetryDelay: 9000 });
  });
});

// ---------------------------------------------------------------------------------------------------
// At most once across a crash: the window between the provider's acceptance and the ledger's record.

let mongo: Mongo;
beforeAll(async () => {
  mongo = await freshMongo('notify_crash');
});
afterAll(async () => mongo?.close());

/** Runs notify as Temporal would run attempt `attempt` of one activity. */
const attemptOf = (attempt: number, input: NotifyInput, acts: ReturnType<typeof createActivities>) =>
  new MockActivityEnvironment({ attempt, activityId: '12', workflowExecution: { workflowId: 'shipment-N1', runId: 'run-1' } }).run(acts.notify, input) as ReturnType<typeof acts.notify>;

async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
}

const ledgers: Array<[string, () => NotificationLedger, (id: string) => Promise<NotificationDoc | null | undefined>]> = [
  ['in memory', () => new MemoryNotificationLedger(), () => Promise.resolve(undefined)],
  ['on MongoDB/FerretDB', () => new MongoNotificationLedger(mongo.cols), (id) => mongo.cols.notifications.findOne({ _id: id })],
];

describe.each(ledgers)('notify across a crash, ledger %s', (_name, makeLedger, readDoc) => {
  let order = 0;
  function setup() {
    const world = fakeWorld();
    const ledger = makeLedger();
    const warnings: Array<{ message: string; meta?: Record<string, unknown> }> = [];
    const counted: string[] = [];
    world.deps.ledger = ledger;
    world.deps.config = { ...world.deps.config, ledgerRetryMs: [1, 1] };
    world.deps.log = { info: () => undefined, warn: (message, meta) => void warnings.push({ message, ...(meta ? { meta } : {}) }) };
    world.deps.metrics = { notification: (event, channel, outcome) => void counted.push(`${event}:${channel}:${outcome}`) };
    const input: NotifyInput = { ...base, orderId: `CRASH-${++order}-${Date.now()}` };
    const slot = `${input.orderId}:shipped:email`;
    const doc = async () => (ledger instanceof MemoryNotificationLedger ? ledger.docs.get(slot) : await readDoc(slot));
    return { world, acts: createActivities(world.deps), warnings, counted, input, doc };
  }
  const realSend = (sender: RecordingSender) => RecordingSender.prototype.send.bind(sender);

  it('the provider accepted, the worker died before the ledger heard of it: the retry does not send again, it reports uncertain', async () => {
    const { world, acts, warnings, counted, input, doc } = setup();
    const send = realSend(world.sender);
    // Attempt 1: the provider takes the message (SMTP 250), then the process is gone: nothing after
    // send() ever runs. A promise that never settles is exactly that, seen from the ledger.
    world.sender.send = async (m: OutgoingMessage) => {
      await send(m);
      return new Promise<never>(() => undefined);
    };
    void attemptOf(1, input, acts);
    await until('the provider to accept attempt 1', () => world.sender.sent.length === 1);
    expect(await doc()).toMatchObject({ status: 'sending', attempts: 1, sending: { attempt: 1, activityId: '12', workflowId: 'shipment-N1', runId: 'run-1' } });

    // Attempt 2 runs on a healthy worker with a healthy provider, after Temporal's timeout.
    world.sender.send = send;
    const second = await attemptOf(2, input, acts);
    expect(second.outcome).toBe('uncertain');
    expect(second.reason).toMatch(/attempt 1 of activity 12 .*never recorded an outcome/);
    expect(world.sender.sent).toHaveLength(1);
    expect(world.sender.attempts).toBe(1);
    expect(await doc()).toMatchObject({ status: 'uncertain', attempts: 1, uncertainReason: second.reason, uncertainBy: { attempt: 2 } });
    expect(counted).toEqual(['shipped:email:uncertain']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ message: expect.stringContaining('not sent again'), meta: { orderId: input.orderId, event: 'shipped', channel: 'email', attempt: 2 } });
    expect(JSON.stringify(warnings)).not.toContain(base.recipient?.email);

    // Later asks (another attempt, a continue-as-new re-issue) find it settled: still one message.
    expect(await attemptOf(3, input, acts)).toMatchObject({ outcome: 'uncertain', reason: second.reason });
    expect(world.sender.sent).toHaveLength(1);
    expect(counted.filter((c) => c.endsWith(':uncertain'))).toHaveLength(1);
  });

  it('an in-process provider failure is a known not-sent: recorded failed, retried, sent once', async () => {
    const { world, acts, counted, input, doc } = setup();
    world.sender.failing.add('email');
    await expect(attemptOf(1, input, acts)).rejects.toMatchObject({ type: 'NotificationFailed', nonRetryable: false });
    expect(await doc()).toMatchObject({ status: 'failed', attempts: 1, error: 'email provider down', sending: { attempt: 1 } });
    await expect(attemptOf(2, input, acts)).rejects.toMatchObject({ type: 'NotificationFailed' });
    world.sender.failing.clear();
    expect(await attemptOf(3, input, acts)).toMatchObject({ outcome: 'sent', providerMessageId: 'msg-1' });
    expect(await attemptOf(4, input, acts)).toMatchObject({ outcome: 'already_done', providerMessageId: 'msg-1' });
    expect(world.sender.sent).toHaveLength(1);
    expect(world.sender.attempts).toBe(3);
    expect(await doc()).toMatchObject({ status: 'sent', attempts: 3, providerMessageId: 'msg-1', sending: { attempt: 3 } });
    expect((await doc())?.error).toBeUndefined();
    expect(counted).toEqual(['shipped:email:failed', 'shipped:email:failed', 'shipped:email:sent', 'shipped:email:already_done']);
  });

  it('an attempt that outlived its timeout still records what happened; the attempt after it never sent', async () => {
    const { world, acts, input, doc } = setup();
    const send = realSend(world.sender);
    let accept: (() => void) | undefined;
    world.sender.send = (m: OutgoingMessage) =>
      new Promise((ok) => {
        accept = () => void send(m).then(ok);
      });
    const first = attemptOf(1, input, acts);
    await until('attempt 1 to reach the provider', () => accept !== undefined);
    world.sender.send = send;
    expect((await attemptOf(2, input, acts)).outcome).toBe('uncertain'); // Temporal gave up on attempt 1
    accept?.(); // … which was only slow: the provider accepts now
    expect((await first).outcome).toBe('sent');
    expect(world.sender.sent).toHaveLength(1);
    expect(await doc()).toMatchObject({ status: 'sent', providerMessageId: 'msg-1' });
  });

  it('a ledger write that fails for a moment after the provider accepted is retried: the slot ends sent, one message', async () => {
    const { world, acts, input, doc } = setup();
    const ledger = world.deps.ledger;
    const markSent = ledger.markSent.bind(ledger);
    let failures = 2;
    ledger.markSent = async (...a: Parameters<typeof markSent>) => {
      if (failures-- > 0) throw new Error('connection reset (database restarting)');
      return markSent(...a);
    };
    expect(await attemptOf(1, input, acts)).toMatchObject({ outcome: 'sent', providerMessageId: 'msg-1' });
    expect((await doc())?.status).toBe('sent');
    expect(world.sender.sent).toHaveLength(1);
    ledger.markSent = markSent;
  });

  it('a ledger that cannot record the acceptance does not turn it into a failure (which would send again)', async () => {
    const { world, acts, warnings, input, doc } = setup();
    const ledger = world.deps.ledger;
    const markSent = ledger.markSent.bind(ledger);
    ledger.markSent = async () => {
      throw new Error('connection reset');
    };
    expect(await attemptOf(1, input, acts)).toMatchObject({ outcome: 'sent', providerMessageId: 'msg-1' });
    expect(warnings.map((w) => w.message)).toEqual(['notification sent but the ledger did not record it']);
    expect((await doc())?.status).toBe('sending');
    ledger.markSent = markSent;
    // Anything that asks again settles it as uncertain rather than sending a second message.
    expect((await attemptOf(2, input, acts)).outcome).toBe('uncertain');
    expect(world.sender.sent).toHaveLength(1);
  });
});

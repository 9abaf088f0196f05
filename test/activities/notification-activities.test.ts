import { MockActivityEnvironment } from '@temporalio/testing';
import { describe, expect, it } from 'vitest';
import { createActivities, type NotifyInput } from '../../src/activities';
import { NotificationError, NotificationSkipped } from '../../src/notifications/errors';
import { fakeWorld } from '../support/workflow-fakes';

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
    expect(world.sender.sent[0]?.text).toContain('https://s/t');
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

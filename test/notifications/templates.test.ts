// The template files Waybill ships: all of them load, each renders for its event with every fact and
// with only the required ones, and a broken folder is reported whole. Also the facts → values step.
import { cpSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { COMMON_VARIABLES, EVENT_CHANNELS, EVENT_VARIABLES, NOTIFICATION_EVENTS } from '../../src/notifications/catalog';
import { NotificationError } from '../../src/notifications/errors';
import { loadTemplates, TemplateLoadError, type EmailChannel } from '../../src/notifications/template/load';
import { templateValues } from '../../src/notifications/template/values';
import { approvedParameterCount } from '../../src/notifications/template/whatsapp-file';
import { FULL_FACTS, MINIMAL_FACTS, TEMPLATES } from './support/config';

const ctx = { brand: { storeName: 'Kala & Co', supportEmail: 'help@kala.test', supportPhone: '+91 80 4000 1234' }, timeZone: 'Asia/Kolkata' };
const templates = loadTemplates(TEMPLATES);
const pairs = NOTIFICATION_EVENTS.flatMap((event) => EVENT_CHANNELS[event].map((channel) => ({ event, channel })));

describe('the shipped templates', () => {
  it('cover every event on every channel that carries it', () => {
    for (const { event, channel } of pairs) {
      expect(channel === 'whatsapp' ? templates.hasWhatsApp(event) : templates.hasEmail(channel, event), `${channel}/${event}`).toBe(true);
    }
  });

  describe.each([
    ['every fact', FULL_FACTS],
    ['only the required facts', MINIMAL_FACTS],
  ] as const)('render with %s', (_label, factsByEvent) => {
    it.each(pairs)('$channel/$event', ({ event, channel }) => {
      const values = templateValues(event, 'ORD-1001', factsByEvent[event], ctx);
      if (channel === 'whatsapp') {
        const m = templates.renderWhatsApp(event, values);
        const info = templates.whatsAppTemplates().find((t) => t.name === m.name)!;
        expect(m.parameters).toHaveLength(approvedParameterCount(info.approvedBody));
        for (const p of m.parameters) expect(p).toMatch(/^\S(.*\S)?$/);
        return;
      }
      const mail = templates.renderEmail(channel as EmailChannel, event, values);
      expect(mail.subject).toMatch(/^[^\n]+$/);
      expect(mail.subject).toContain('ORD-1001');
      expect(mail.text).toContain('ORD-1001');
      expect(mail.html).toContain('ORD-1001');
      // No placeholder survives, and the store name arrives escaped in HTML and as is in text.
      for (const part of [mail.subject, mail.text, mail.html]) expect(part).not.toContain('{{');
      expect(mail.html).not.toContain('Kala & Co');
      if (channel === 'email') expect(mail.text).toContain('Kala & Co');
    });
  });

  it('puts the AWB, the courier and the tracking link in the shipped email', () => {
    const mail = templates.renderEmail('email', 'shipped', templateValues('shipped', 'ORD-1001', FULL_FACTS.shipped, ctx));
    expect(mail.subject).toBe('Your Kala & Co order ORD-1001 has shipped');
    expect(mail.text).toContain('Tracking number (AWB): ICR123456789');
    expect(mail.text).toContain('with iCarry');
    expect(mail.text).toContain('Expected delivery: Fri, 14 Mar');
    expect(mail.text).toContain('Track your order: https://track.kala.test/o/ORD-1001?t=abc&x=1');
    expect(mail.html).toContain('href="https://track.kala.test/o/ORD-1001?t=abc&amp;x=1"');
  });

  it("sends the NDR customer to the self-service page, in the courier's words, with the deadline in IST", () => {
    const values = templateValues('ndr_action_needed', 'ORD-1001', FULL_FACTS.ndr_action_needed, ctx);
    const mail = templates.renderEmail('email', 'ndr_action_needed', values);
    expect(mail.text).toContain('Xpressbees tried to deliver your order ORD-1001 but could not (reason given: Consignee not available)');
    expect(mail.text).toContain('https://track.kala.test/o/ORD-1001?t=abc');
    expect(mail.text).toContain('Please answer by Sat, 15 Mar, 6:00 pm.');
    expect(templates.renderWhatsApp('ndr_action_needed', values).parameters).toEqual([
      'Asha',
      'Kala & Co',
      'ORD-1001',
      'Consignee not available',
      'https://track.kala.test/o/ORD-1001?t=abc',
    ]);
  });

  it('tells the admin when ops must act, and says nothing of it otherwise', () => {
    const escalated = templates.renderEmail('admin_email', 'admin_ndr_alert', templateValues('admin_ndr_alert', 'ORD-1001', FULL_FACTS.admin_ndr_alert, ctx));
    expect(escalated.subject).toBe('[NDR] Order ORD-1001: consignee_unavailable (attempt 2) - ops must act');
    expect(escalated.text).toContain('This courier has no NDR API');
    const plain = templates.renderEmail('admin_email', 'admin_ndr_alert', templateValues('admin_ndr_alert', 'ORD-1001', { ...FULL_FACTS.admin_ndr_alert, escalated: false }, ctx));
    expect(plain.subject).toBe('[NDR] Order ORD-1001: consignee_unavailable (attempt 2)');
    expect(plain.text).not.toContain('no NDR API');
  });

  it('greets a customer without a name politely on every channel', () => {
    const values = templateValues('delivered', 'ORD-1001', {}, ctx);
    expect(templates.renderEmail('email', 'delivered', values).text).toMatch(/^Hello,/);
    expect(templates.renderWhatsApp('delivered', values).parameters[0]).toBe('there');
  });
});

describe('facts → values', () => {
  it('names every missing required fact (never a value) and fails permanently', () => {
    const e = (() => {
      try {
        templateValues('shipped', 'ORD-1', { courier: 'icarry' }, ctx);
      } catch (err) {
        return err as NotificationError;
      }
    })();
    expect(e).toBeInstanceOf(NotificationError);
    expect(e).toMatchObject({ kind: 'permanent', code: 'template_data', message: 'shipped: the message lacks awb, trackingPageUrl or trackingUrl' });
  });

  it('reads the NDR link only from the tracking page, never from a courier page that cannot take the answer', () => {
    expect(() => templateValues('ndr_action_needed', 'ORD-1', { trackingUrl: 'https://courier.test/t/1' }, ctx)).toThrow(/lacks trackingPageUrl/);
  });

  it('refuses a link that is not http(s)', () => {
    expect(() => templateValues('shipped', 'ORD-1', { ...MINIMAL_FACTS.shipped, trackingPageUrl: 'javascript:alert(1)' }, ctx)).toThrow(/not an http\(s\) URL/);
  });

  it('names couriers, formats dates in the store time zone, and shows an unreadable date as it came', () => {
    const v = templateValues('stuck_alert', 'ORD-1', { awb: 'A', courier: 'delhivery', status: 'in_transit', lastEventAt: '2025-03-10T20:00:00Z' }, ctx);
    expect(v).toMatchObject({ courier: 'Delhivery', lastEventAt: 'Tue, 11 Mar, 1:30 am' });
    expect(templateValues('stuck_alert', 'ORD-1', { awb: 'A', courier: 'other', status: 's', lastEventAt: 'yesterday-ish' }, ctx)).toMatchObject({ courier: 'other', lastEventAt: 'yesterday-ish' });
  });
});

describe('a templates folder with mistakes', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  const copy = () => {
    dir = mkdtempSync(join(tmpdir(), 'waybill-templates-'));
    cpSync(TEMPLATES, dir, { recursive: true });
    return dir;
  };

  it('is reported whole: every problem, with file and place', () => {
    const d = copy();
    renameSync(join(d, 'email/shipped.txt'), join(d, 'email/shiped.txt'));
    writeFileSync(join(d, 'email/delivered.html'), '<p>Hi {{custmerName}}</p>');
    const wa = JSON.parse(readFileSync(join(d, 'whatsapp/delivered.json'), 'utf8')) as { body: string[] };
    writeFileSync(join(d, 'whatsapp/delivered.json'), JSON.stringify({ ...wa, body: wa.body.slice(1) }));
    writeFileSync(join(d, 'whatsapp/rto_initiated.json'), '{ "name": ');
    writeFileSync(join(d, 'admin_email/layout.html'), '<html>{{storeName}}</html>');
    let problems: string[] = [];
    try {
      loadTemplates(d);
    } catch (e) {
      expect(e).toBeInstanceOf(TemplateLoadError);
      problems = (e as TemplateLoadError).problems;
    }
    const has = (pattern: RegExp) => expect(problems.some((p) => pattern.test(p)), `${pattern} in\n${problems.join('\n')}`).toBe(true);
    has(/email\/shiped\.txt: not a template this version knows/);
    has(/email\/shipped\.txt: missing/);
    has(/email\/delivered\.html:1:7: unknown variable 'custmerName'/);
    has(/whatsapp\/delivered\.json: approvedBody takes 3 parameter\(s\) but body lists 2/);
    has(/whatsapp\/rto_initiated\.json: not valid JSON/);
    has(/admin_email\/layout\.html: must print \{\{content\}\}/);
    expect(problems).toHaveLength(6);
  });

  it('does not check the templates of a channel that is switched off', () => {
    const d = copy();
    rmSync(join(d, 'whatsapp'), { recursive: true });
    expect(() => loadTemplates(d)).toThrow(TemplateLoadError);
    expect(loadTemplates(d, ['email', 'admin_email']).hasEmail('email', 'shipped')).toBe(true);
  });

  it('refuses a WhatsApp body that Meta would not approve', () => {
    const d = copy();
    writeFileSync(join(d, 'whatsapp/delivered.json'), JSON.stringify({ name: 'Order Delivered', approvedBody: '{{1}} delivered {{3}}', body: ['{{orderId}}', '{{orderId}}'] }));
    expect(() => loadTemplates(d, ['whatsapp'])).toThrow(/name: lowercase letters, digits and underscores/);
    writeFileSync(join(d, 'whatsapp/delivered.json'), JSON.stringify({ name: 'order_delivered', approvedBody: 'Order {{1}} delivered {{3}}.', body: ['{{orderId}}', '{{orderId}}'] }));
    expect(() => loadTemplates(d, ['whatsapp'])).toThrow(/numbered \{\{1\}\}..\{\{2\}\} without gaps/);
    writeFileSync(join(d, 'whatsapp/delivered.json'), JSON.stringify({ name: 'order_delivered', approvedBody: 'Order {{1}}', body: ['{{orderId}}'] }));
    expect(() => loadTemplates(d, ['whatsapp'])).toThrow(/may not start or end with a placeholder/);
  });
});

describe('docs/notifications.md', () => {
  it("lists every event's variables in its variables table", () => {
    const docs = readFileSync(join(__dirname, '../../docs/notifications.md'), 'utf8');
    // The variables table: the rows after its header, up to the first line that is not a table row.
    const lines = docs.split('\n');
    const start = lines.findIndex((l) => l.startsWith('| Event | Variables |'));
    expect(start).toBeGreaterThan(0);
    const end = lines.findIndex((l, i) => i > start && !l.startsWith('|'));
    const table = lines.slice(start, end < 0 ? undefined : end);
    for (const [event, vars] of Object.entries(EVENT_VARIABLES)) {
      const row = table.find((l) => l.startsWith(`| \`${event}\` | `));
      expect(row, event).toBeDefined();
      for (const name of Object.keys(vars)) expect(row, `${event}.${name}`).toContain(name);
    }
    for (const name of Object.keys(COMMON_VARIABLES)) expect(docs).toContain(`\`${name}\``);
  });
});

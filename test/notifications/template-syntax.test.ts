// The template language: what it prints, how it escapes, and the errors a store sees at load time.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { VariableSet } from '../../src/notifications/catalog';
import { compileTemplate, escapeHtml } from '../../src/notifications/template/compile';
import { TemplateError } from '../../src/notifications/template/syntax';

const VARS: VariableSet = {
  orderId: { kind: 'text', required: true, description: '' },
  link: { kind: 'url', required: true, description: '' },
  customerName: { kind: 'text', required: false, description: '' },
  escalated: { kind: 'flag', required: false, description: '' },
};

const html = (t: string) => compileTemplate(t, 'test.html', VARS, 'html');
const text = (t: string) => compileTemplate(t, 'test.txt', VARS, 'text');
const loadError = (t: string): TemplateError => {
  try {
    html(t);
  } catch (e) {
    if (e instanceof TemplateError) return e;
    throw e;
  }
  throw new Error('expected a TemplateError');
};

describe('rendering', () => {
  it('HTML-escapes every value in .html templates, and leaves the template text alone', () => {
    const out = html('<a href="{{link}}">{{orderId}}</a>').render({ orderId: `<script>alert("x")</script> & 'co'`, link: 'https://t.test/?a=1&b=2' });
    expect(out).toBe('<a href="https://t.test/?a=1&amp;b=2">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;</a>');
  });

  it('prints values as they are in plain-text templates', () => {
    expect(text('Order {{orderId}}').render({ orderId: 'A<1> & "B"' })).toBe('Order A<1> & "B"');
  });

  it('shows {{#x}} blocks only when x has a value, and {{^x}} blocks only when it has none', () => {
    const t = text('Hi {{#customerName}}{{customerName}}{{/customerName}}{{^customerName}}there{{/customerName}}!{{#escalated}} ESCALATED{{/escalated}}');
    expect(t.render({ customerName: 'Asha', escalated: 'yes' })).toBe('Hi Asha! ESCALATED');
    expect(t.render({})).toBe('Hi there!');
    expect(t.render({ customerName: '' })).toBe('Hi there!');
  });

  it('drops comments and tolerates spaces inside the braces', () => {
    expect(text('{{! for the store: keep it short }}Order {{ orderId }}').render({ orderId: '7' })).toBe('Order 7');
  });

  it('keeps a subject on one line, whatever the values hold', () => {
    const t = compileTemplate('Order {{orderId}} shipped\n', 'x.subject.txt', VARS, 'line');
    expect(t.render({ orderId: 'A\r\nBcc: evil@x.test' })).toBe('Order A Bcc: evil@x.test shipped');
  });

  it('makes a WhatsApp parameter acceptable to Meta: no newline, no tab, at most four spaces in a row', () => {
    const t = compileTemplate('{{orderId}}', 'x.json', VARS, 'whatsapp');
    expect(t.render({ orderId: 'line1\nline2\tcol      wide' })).toBe('line1 line2 col    wide');
  });

  it('escapes any value so that it reads back as itself and cannot open a tag or leave an attribute', () => {
    const t = html('<a title="{{orderId}}">x</a>');
    fc.assert(
      fc.property(fc.string(), (s) => {
        const out = t.render({ orderId: s === '' ? ' ' : s });
        const inner = out.slice('<a title="'.length, -'">x</a>'.length);
        expect(inner).not.toMatch(/[<>"']/);
        expect(inner.replace(/&lt;|&gt;|&quot;|&#39;|&amp;/g, (e) => ({ '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&amp;': '&' })[e]!)).toBe(s === '' ? ' ' : s);
      }),
    );
    expect(escapeHtml('&amp;')).toBe('&amp;amp;');
  });
});

describe('errors at load time', () => {
  it('names an unknown variable, where it is, and what the template may use instead', () => {
    const e = loadError('<p>Hi</p>\n<p>{{custmerName}}</p>');
    expect(e.message).toBe("test.html:2:4: unknown variable 'custmerName'; this template may use: orderId, link, customerName, escalated");
  });

  it('refuses an optional variable printed outside a block that tests it', () => {
    expect(loadError('Hi {{customerName}}').message).toMatch(/test\.html:1:4: 'customerName' may be absent: print it inside \{\{#customerName\}\}/);
    expect(loadError('{{^customerName}}{{customerName}}{{/customerName}}').message).toMatch(/may be absent/);
  });

  it('refuses a flag printed as text', () => {
    expect(loadError('{{escalated}}').message).toMatch(/'escalated' is a yes\/no flag/);
  });

  it.each([
    ['{{{orderId}}}', /triple braces/],
    ['{{order.id}}', /is not a variable/],
    ['{{> partial}}', /is not a variable/],
    ['{{orderId', /never closed/],
    ['{{#customerName}}x', /'\{\{#customerName\}\}' is never closed/],
    ['{{#customerName}}x{{/escalated}}', /closes '\{\{#customerName\}\}' opened at line 1/],
    ['x{{/customerName}}', /closes a block that was never opened/],
    ['{{constructor}}', /unknown variable 'constructor'/],
  ])('rejects %s', (template, message) => {
    expect(loadError(template).message).toMatch(message);
  });
});

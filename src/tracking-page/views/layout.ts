// The document around every tracking page: branding, landmarks, the inlined stylesheet and script, and
// the security headers that go with them (CSP by hash: no inline code runs unless it is exactly ours).
import { createHash } from 'node:crypto';
import type { Response } from 'express';
import { CLIENT_SCRIPT } from '../assets/client';
import { stylesheet } from '../assets/style';
import { html, raw, type SafeHtml } from '../html';
import type { Branding } from '../settings';

export interface Layout {
  render(o: { title: string; body: SafeHtml; script: boolean; refreshSeconds?: number; version?: string }): string;
  /** Headers for every response of the page (HTML, events, redirects). */
  headers(res: Response): void;
}

export function createLayout(b: Branding): Layout {
  const css = stylesheet(b.palette);
  const csp = [
    "default-src 'none'",
    `style-src '${sha256(css)}'`,
    `script-src '${sha256(CLIENT_SCRIPT)}'`,
    `img-src 'self'${b.logoUrl ? ` ${new URL(b.logoUrl).origin}` : ''}`,
    "connect-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  const brand = b.logoUrl ? html`<img src="${b.logoUrl}" alt="${b.storeName}">` : html`<span>${b.storeName}</span>`;
  const support = [
    b.supportEmail ? html`<a href="mailto:${b.supportEmail}">${b.supportEmail}</a>` : undefined,
    b.supportPhone ? html`<a href="tel:${b.supportPhone.replace(/[^+\d]/g, '')}">${b.supportPhone}</a>` : undefined,
  ].filter((x): x is SafeHtml => !!x);
  const footer = support.length ? html`<p>Questions about your order? Write to us or call: ${support.map((s, i) => html`${i ? ' · ' : ''}${s}`)}</p>` : html`<p>${b.storeName}</p>`;

  return {
    render(o) {
      return html`<!doctype html><html lang="en"${o.version ? html` data-version="${o.version}"` : ''}><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex,nofollow"><title>${o.title} · ${b.storeName}</title><style>${raw(css)}</style>${
        o.refreshSeconds ? html`<noscript><meta http-equiv="refresh" content="${o.refreshSeconds}"></noscript>` : ''
      }</head><body><a class="skip" href="#main">Skip to tracking details</a><header class="top"><div class="wrap">${brand}</div></header>${o.body}<footer class="wrap foot">${footer}</footer>${
        o.script ? html`<script>${raw(CLIENT_SCRIPT)}</script>` : ''
      }</body></html>`.value;
    },
    headers(res) {
      res.set({
        'Content-Security-Policy': csp,
        // The link's token is in the URL: never send it on to the courier's site or anywhere else.
        'Referrer-Policy': 'no-referrer',
        'X-Content-Type-Options': 'nosniff',
        'X-Frame-Options': 'DENY',
        'Cross-Origin-Opener-Policy': 'same-origin',
        'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=()',
        // Personal data behind a credential: no shared cache may keep it, no search engine may list it.
        'Cache-Control': 'no-store',
        'X-Robots-Tag': 'noindex, nofollow',
      });
    },
  };
}

function sha256(s: string): string {
  return `sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}`;
}

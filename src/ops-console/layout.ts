// The page shell: skip link, navigation, who is signed in, sign-out, the flash message, main content.
import { SCRIPT_FILE, STYLESHEET_FILE } from './assets';
import type { PageContext } from './context';
import { html, type Html } from './html';

export type Section = 'shipments' | 'ndr' | 'stuck' | 'couriers' | 'analytics' | 'store-webhooks';

const NAV: Array<[Section, string]> = [
  ['shipments', 'Shipments'],
  ['ndr', 'NDR queue'],
  ['stuck', 'Stuck'],
  ['couriers', 'Courier settings'],
  ['analytics', 'Analytics'],
  ['store-webhooks', 'Store webhooks'],
];

function head(base: string, title: string): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title} · Waybill ops</title>
<link rel="stylesheet" href="${base}/assets/${STYLESHEET_FILE}">
<script src="${base}/assets/${SCRIPT_FILE}" defer></script>
</head>`;
}

export function page(ctx: PageContext, o: { title: string; section?: Section; body: Html }): string {
  const flash = ctx.flash
    ? html`<div class="flash flash-${ctx.flash.kind}" role="${ctx.flash.kind === 'error' ? 'alert' : 'status'}">${ctx.flash.text}</div>`
    : '';
  return html`${head(ctx.base, o.title)}
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
  <span class="brand">Waybill ops</span>
  <nav aria-label="Console"><ul>
    ${NAV.map(([s, label]) => html`<li><a href="${ctx.base}/${s}"${s === o.section ? html` aria-current="page"` : ''}>${label}</a></li>`)}
  </ul></nav>
  <div class="who"><span>Signed in as ${ctx.session.actor}</span>
    <form method="post" action="${ctx.base}/logout"><input type="hidden" name="_csrf" value="${ctx.session.csrf}"><button type="submit">Sign out</button></form>
  </div>
</header>
<main id="main" tabindex="-1">
<h1>${o.title}</h1>
${flash}
${o.body}
</main>
</body>
</html>`.value;
}

/** Pages outside a session: sign-in, errors before sign-in. */
export function barePage(base: string, title: string, body: Html): string {
  return html`${head(base, title)}
<body>
<main id="main" class="login">
<h1>${title}</h1>
${body}
</main>
</body>
</html>`.value;
}

// The pages around the tracking page: the way in without a link (confirm phone or email), and the
// short messages. None of them says anything about whether the order exists.
import { html, type SafeHtml } from '../html';

export type AccessProblem = 'expired' | 'invalid' | 'mismatch' | 'limited' | 'form_expired';

const PROBLEM_TEXT: Record<AccessProblem, string> = {
  expired: 'This tracking link has expired.',
  invalid: 'This tracking link is not valid. Check that you opened the whole link.',
  mismatch: 'That does not match the phone number or email on this order.',
  limited: 'Too many attempts. Please wait a few minutes and try again.',
  form_expired: 'This page was open for too long. Please confirm again.',
};

export function accessMain(orderId: string, path: string, problem?: AccessProblem): SafeHtml {
  return html`<main id="main" class="wrap"><section class="card" aria-labelledby="h-access"><h1 id="h-access">Track order ${orderId}</h1>${
    problem ? html`<p class="flash bad" role="alert">${PROBLEM_TEXT[problem]}</p>` : ''
  }<p>Open the tracking link in your shipping email or WhatsApp message, or confirm the phone number or email address you placed the order with.</p><form method="post" action="${path}/verify"><label for="contact">Phone number or email address</label><input id="contact" name="contact" required maxlength="254" autocomplete="on"${
    problem === 'mismatch' ? html` aria-invalid="true"` : ''
  }><button class="btn">Show my order</button></form></section></main>`;
}

export function messageMain(title: string, text: string, link?: { href: string; label: string }): SafeHtml {
  return html`<main id="main" class="wrap"><section class="card" aria-labelledby="h-msg"><h1 id="h-msg">${title}</h1><p>${text}</p>${
    link ? html`<p><a href="${link.href}">${link.label}</a></p>` : ''
  }</section></main>`;
}

// What an SMTP failure means for the retry. The reply code decides when there is one (RFC 5321 §4.2.1:
// 4xx is "transient negative", try again later; 5xx is "permanent negative", do not repeat the same
// request); without one, nodemailer's error code says whether the network or the request failed.
import { maskContacts, NotificationError } from '../errors';

/** The fields nodemailer sets on its errors (smtp-connection `_formatError`). */
interface NodemailerErrorFields {
  code?: string;
  responseCode?: number;
  response?: string;
  command?: string;
}

const AUTH_REPLIES = new Set([530, 534, 535, 538]);
/** Replies about the recipient address itself (RFC 5321/3463: 550/551/553 and 5.1.x). */
const RECIPIENT_REPLIES = new Set([550, 551, 553]);
const NETWORK_CODES = new Set(['ECONNECTION', 'ESOCKET', 'EDNS', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

export function classifySmtpError(err: unknown): NotificationError {
  const e = (typeof err === 'object' && err !== null ? err : {}) as NodemailerErrorFields & { message?: string };
  const reply = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const where = e.command ? ` at ${e.command}` : '';
  // The server's words help ops; the address it often repeats ("<asha@…>: mailbox unavailable") must not travel on.
  const said = e.response ? `: ${maskContacts(e.response).slice(0, 200)}` : '';
  // No `cause`: nodemailer's error carries the full server reply, addresses and all, and a logger would print it.
  const opts = { provider: 'smtp' as const, ...(reply ? { status: reply } : {}) };

  if (reply !== undefined && reply >= 500) {
    if (AUTH_REPLIES.has(reply)) return new NotificationError('permanent', 'auth', `SMTP login refused (${reply})${said}; check SMTP_URL`, opts);
    const code = RECIPIENT_REPLIES.has(reply) && e.command === 'RCPT TO' ? 'invalid_recipient' : 'rejected';
    return new NotificationError('permanent', code, `SMTP ${reply}${where}${said}`, opts);
  }
  if (reply !== undefined && reply >= 400) return new NotificationError('retryable', 'unavailable', `SMTP ${reply}${where}${said}`, opts);

  const code = e.code ?? '';
  if (code === 'ETIMEDOUT') return new NotificationError('retryable', 'timeout', `SMTP server did not answer in time${where}`, opts);
  if (NETWORK_CODES.has(code)) return new NotificationError('retryable', 'network', `SMTP connection failed (${code})${where}`, opts);
  if (code === 'EAUTH') return new NotificationError('permanent', 'auth', `SMTP login failed${where}; check SMTP_URL`, opts);
  if (code === 'EENVELOPE') return new NotificationError('permanent', 'invalid_recipient', `SMTP envelope refused${where}`, opts);
  if (code === 'EMESSAGE') return new NotificationError('permanent', 'rejected', `SMTP message refused${where}`, opts);
  // TLS trouble, protocol surprises, a pool closing under us: the next attempt may well succeed, and
  // failing a customer's message on an error we do not understand would lose it.
  const what = code ? `${code}${where}` : maskContacts(e.message ?? 'unknown error').slice(0, 200);
  return new NotificationError('retryable', code === 'ETLS' ? 'tls' : 'unknown', `SMTP send failed: ${what}`, opts);
}

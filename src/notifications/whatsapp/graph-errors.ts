// What a Cloud API error means for the retry. Meta asks integrators to branch on `error.code` (not the
// HTTP status, not the title in `message`, and not `error_subcode`, which v16+ no longer sends), so the
// code decides; the HTTP status only classifies codes this table does not know.
// Codes and meanings: Meta's "Cloud API error codes" page (developers.facebook.com/docs/whatsapp/
// cloud-api/support/error-codes) and Graph API error handling; backoff hints are our choices, see
// docs/notifications.md.
import { parseRetryAfter } from '../../lib/retry-after';
import { maskContacts, NotificationError } from '../errors';

export interface GraphErrorBody {
  error?: {
    message?: string;
    type?: string;
    code?: number;
    error_subcode?: number;
    error_data?: { messaging_product?: string; details?: string };
    fbtrace_id?: string;
  };
}

type Rule = { kind: 'permanent' | 'retryable'; code: string; retryAfterMs?: number };

const permanent = (code: string): Rule => ({ kind: 'permanent', code });
const retry = (code: string, retryAfterMs?: number): Rule => ({ kind: 'retryable', code, ...(retryAfterMs ? { retryAfterMs } : {}) });

const RULES = new Map<number, Rule>([
  // Authorization: a token or permission problem that only ops can fix.
  [0, permanent('auth')], // AuthException
  [3, permanent('auth')], // API method (capability)
  [10, permanent('auth')], // permission denied
  [104, permanent('auth')], // no access token sent
  [190, permanent('auth')], // access token expired / invalid
  // Throttling: back off and try again.
  [4, retry('rate_limited', 60_000)], // app-level call limit
  [613, retry('rate_limited', 60_000)], // Graph call rate
  [80007, retry('rate_limited', 60_000)], // WhatsApp Business Account rate limit
  [130429, retry('rate_limited', 5_000)], // Cloud API throughput (messages per second) reached
  [131048, retry('rate_limited', 600_000)], // spam rate limit: quality-based, clears slowly
  [131056, retry('rate_limited', 15_000)], // pair rate limit: too many messages to this one customer
  // Meta's side is down or busy.
  [1, retry('unavailable')], // API unknown
  [2, retry('unavailable')], // API service (temporary)
  [131000, retry('unavailable')], // something went wrong
  [131016, retry('unavailable')], // service unavailable
  [133004, retry('unavailable')], // server temporarily unavailable
  // The recipient cannot get this message.
  [131026, permanent('undeliverable')], // not on WhatsApp, old app, terms not accepted
  [131030, permanent('recipient_not_allowed')], // test number: recipient not in the allowed list
  [131021, permanent('invalid_recipient')], // recipient is the sender
  [131047, permanent('outside_window')], // re-engagement: only templates may open a conversation
  [131049, permanent('not_delivered_by_meta')], // Meta chose not to deliver (per-user limits)
  [131050, permanent('recipient_opted_out')], // recipient stopped marketing messages
  [130472, permanent('not_delivered_by_meta')], // recipient in a Meta experiment
  // The template or the request is wrong: fix the template file or WhatsApp Manager, then it will work.
  [100, permanent('invalid_request')], // invalid parameter
  [33, permanent('invalid_request')], // phone number ID does not exist / was deleted
  [131008, permanent('invalid_request')], // required parameter missing
  [131009, permanent('invalid_request')], // parameter value invalid
  [131051, permanent('invalid_request')], // unsupported message type
  [132000, permanent('template_mismatch')], // number of parameters does not match the template
  [132001, permanent('template_missing')], // template does not exist (in this language)
  [132005, permanent('template_mismatch')], // translated text too long
  [132007, permanent('template_mismatch')], // format character policy violated
  [132012, permanent('template_mismatch')], // parameter format does not match
  [132015, permanent('template_paused')], // paused for low quality
  [132016, permanent('template_disabled')], // disabled for low quality
  // The business account cannot send at all.
  [368, permanent('account_blocked')], // temporarily blocked for policy violations
  [131031, permanent('account_blocked')], // account locked
  [131042, permanent('account_payment')], // payment method problem
  [133010, permanent('account_unregistered')], // phone number not registered on Cloud API
]);

function ruleFor(code: number | undefined, httpStatus: number): Rule {
  const known = code === undefined ? undefined : RULES.get(code);
  if (known) return known;
  if (code !== undefined && code >= 200 && code <= 299) return permanent('auth'); // Graph permission family
  if (httpStatus === 429) return retry('rate_limited', 60_000);
  if (httpStatus >= 500) return retry('unavailable');
  if (httpStatus === 401 || httpStatus === 403) return permanent('auth');
  if (httpStatus === 408) return retry('timeout');
  return permanent('rejected');
}

/**
 * A Cloud API answer that is not a success, as a NotificationError. `body` is the parsed JSON (or
 * anything else a proxy in between sent); `secrets` are masked out of any text carried on.
 */
export function classifyGraphError(httpStatus: number, body: unknown, retryAfterHeader: string | undefined, secrets: readonly string[]): NotificationError {
  const err = (body as GraphErrorBody | undefined)?.error;
  const code = typeof err?.code === 'number' ? err.code : undefined;
  const rule = ruleFor(code, httpStatus);
  const retryAfterMs = parseRetryAfter(retryAfterHeader, Date.now()) ?? rule.retryAfterMs;
  let text = err?.message ?? `HTTP ${httpStatus}`;
  if (err?.error_data?.details) text += ` - ${err.error_data.details}`;
  for (const s of secrets) if (s) text = text.split(s).join('[REDACTED]');
  const trace = err?.fbtrace_id ? ` (fbtrace_id ${err.fbtrace_id})` : '';
  return new NotificationError(rule.kind, rule.code, `WhatsApp ${code ?? httpStatus}: ${maskContacts(text).slice(0, 300)}${trace}`, {
    provider: 'whatsapp',
    status: httpStatus,
    ...(code !== undefined ? { providerCode: code } : {}),
    ...(rule.kind === 'retryable' && retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });
}


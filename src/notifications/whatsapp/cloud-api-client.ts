// The one Cloud API call Waybill makes: send an approved template message.
//   POST {base}/{phone-number-id}/messages   Authorization: Bearer <token>
// A 200 means Meta accepted the message, not that it reached the phone (that arrives later on the
// status webhook, which this client does not consume). Failures throw classified NotificationErrors.
import { request, type Dispatcher } from 'undici';
import { NotificationError } from '../errors';
import { classifyGraphError } from './graph-errors';

export interface CloudApiOptions {
  /** e.g. https://graph.facebook.com/v21.0 */
  baseUrl: string;
  phoneNumberId: string;
  /** Secret: sent only in the Authorization header, masked out of every error. */
  accessToken: string;
  timeoutMs?: number;
  /** undici dispatcher (tests, proxies); default: the global one. */
  dispatcher?: Dispatcher;
}

export interface TemplateMessage {
  /** Digits-only international number (see phone.ts). */
  to: string;
  name: string;
  language: string;
  /** Body parameters, in order. */
  parameters: readonly string[];
}

/** The request body, exactly as the Cloud API documents it for a template message. */
export function templateMessageBody(m: TemplateMessage) {
  return {
    messaging_product: 'whatsapp' as const,
    recipient_type: 'individual' as const,
    to: m.to,
    type: 'template' as const,
    template: {
      name: m.name,
      language: { code: m.language },
      ...(m.parameters.length ? { components: [{ type: 'body' as const, parameters: m.parameters.map((text) => ({ type: 'text' as const, text })) }] } : {}),
    },
  };
}

interface SendResponse {
  messaging_product?: string;
  contacts?: Array<{ input?: string; wa_id?: string }>;
  messages?: Array<{ id?: string; message_status?: string }>;
}

const NETWORK_TIMEOUTS = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);

export class WhatsAppCloudClient {
  private readonly url: string;

  constructor(private readonly options: CloudApiOptions) {
    this.url = `${options.baseUrl.replace(/\/+$/, '')}/${encodeURIComponent(options.phoneNumberId)}/messages`;
  }

  async sendTemplate(message: TemplateMessage): Promise<{ providerMessageId: string }> {
    const timeout = this.options.timeoutMs ?? 15_000;
    let res: Dispatcher.ResponseData;
    try {
      res = await request(this.url, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.options.accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(templateMessageBody(message)),
        headersTimeout: timeout,
        bodyTimeout: timeout,
        ...(this.options.dispatcher ? { dispatcher: this.options.dispatcher } : {}),
      });
    } catch (e) {
      throw networkError(e);
    }
    let body: unknown;
    try {
      const text = await res.body.text();
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON (a proxy's HTML error page, a cut-off body): the status still classifies it.
      body = undefined;
    }
    if (res.statusCode >= 300) {
      const retryAfter = res.headers['retry-after'];
      throw classifyGraphError(res.statusCode, body, Array.isArray(retryAfter) ? retryAfter[0] : retryAfter, [this.options.accessToken]);
    }
    const id = (body as SendResponse | undefined)?.messages?.[0]?.id;
    if (typeof id !== 'string' || !id) {
      // Meta said yes but not what it accepted: resending could deliver twice, so do not.
      throw new NotificationError('permanent', 'unexpected_response', `WhatsApp answered ${res.statusCode} without a message id`, { provider: 'whatsapp', status: res.statusCode });
    }
    return { providerMessageId: id };
  }
}

function networkError(e: unknown): NotificationError {
  const code = (e as { code?: string } | undefined)?.code ?? '';
  const timedOut = NETWORK_TIMEOUTS.has(code);
  // The request may have reached Meta before the connection failed: retrying is the documented at-least-once edge.
  return new NotificationError('retryable', timedOut ? 'timeout' : 'network', `WhatsApp Cloud API ${timedOut ? 'did not answer in time' : 'unreachable'}${code ? ` (${code})` : ''}`, {
    provider: 'whatsapp',
  });
}

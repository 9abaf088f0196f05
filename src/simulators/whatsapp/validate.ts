// The checks the Cloud API makes on a template message, in the order it makes them, each failing with
// the error Meta documents for it.
import { fillApprovedBody } from '../../notifications/template/whatsapp-file';
import { graphError, type GraphErrorAnswer } from './graph-errors';

/** A template as approved in WhatsApp Manager: one name in one language, with its parameter count. */
export interface SimTemplate {
  name: string;
  language: string;
  parameterCount: number;
  approvedBody?: string;
}

export interface AcceptedMessage {
  /** Digits only, as the customer's WhatsApp id (wa_id). */
  to: string;
  /** `to` exactly as sent. */
  input: string;
  template: { name: string; language: string; parameters: string[] };
  /** The approved body with the parameters filled in: what the customer would read. */
  text?: string;
}

export type Validation = { ok: true; message: AcceptedMessage } | { ok: false; error: GraphErrorAnswer };

const fail = (error: GraphErrorAnswer): Validation => ({ ok: false, error });
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function validateTemplateMessage(body: unknown, templates: ReadonlyMap<string, SimTemplate>, allowedRecipients?: ReadonlySet<string>): Validation {
  if (!isObject(body)) return fail(graphError(100, 'The request body must be a JSON object'));
  if (body.messaging_product !== 'whatsapp') return fail(graphError(100, 'The parameter messaging_product is required and must be "whatsapp"'));
  if (body.recipient_type !== undefined && body.recipient_type !== 'individual') return fail(graphError(100, 'recipient_type must be "individual"'));
  if (typeof body.to !== 'string' || !body.to) return fail(graphError(100, "The parameter 'to' is required"));
  const to = body.to.replace(/^\+/, '');
  if (!/^\d{8,15}$/.test(to)) return fail(graphError(100, "Invalid 'to' parameter: a phone number in international format, digits only"));
  // The simulator only plays business-initiated messages: outside a 24-hour customer window only a template may go.
  if (body.type !== 'template') return fail(graphError(131047, 'Message failed to send because more than 24 hours have passed since the customer last replied to this number; use a template'));
  const t = body.template;
  if (!isObject(t) || typeof t.name !== 'string' || !t.name) return fail(graphError(100, 'The parameter template.name is required'));
  if (!isObject(t.language) || typeof t.language.code !== 'string' || !t.language.code) return fail(graphError(100, 'The parameter template.language.code is required'));
  if (allowedRecipients && !allowedRecipients.has(to)) return fail(graphError(131030, 'Recipient phone number not in allowed list: add it in WhatsApp Manager, API Setup'));
  const approved = templates.get(`${t.name}:${t.language.code}`);
  if (!approved) return fail(graphError(132001, `template name (${t.name}) does not exist in ${t.language.code}`));

  const components = t.components === undefined ? [] : t.components;
  if (!Array.isArray(components)) return fail(graphError(100, 'template.components must be an array'));
  const parameters: string[] = [];
  for (const c of components) {
    if (!isObject(c) || typeof c.type !== 'string') return fail(graphError(100, 'Each component needs a type'));
    if (c.type !== 'body') return fail(graphError(132000, `the template has no ${c.type} component with parameters`));
    if (!Array.isArray(c.parameters)) return fail(graphError(100, 'body.parameters must be an array'));
    for (const p of c.parameters as unknown[]) {
      if (!isObject(p) || p.type !== 'text' || typeof p.text !== 'string') return fail(graphError(100, 'Each body parameter must be {type: "text", text}'));
      if (p.text === '') return fail(graphError(131008, 'Parameter text is missing'));
      if (/[\n\t]| {5,}/.test(p.text)) return fail(graphError(100, 'Param text cannot have new-line/tab characters or more than 4 consecutive spaces'));
      parameters.push(p.text);
    }
  }
  if (parameters.length !== approved.parameterCount) {
    return fail(graphError(132000, `body: number of localizable_params (${parameters.length}) does not match the expected number of params (${approved.parameterCount})`));
  }
  return {
    ok: true,
    message: {
      to,
      input: body.to,
      template: { name: t.name, language: t.language.code, parameters },
      ...(approved.approvedBody ? { text: fillApprovedBody(approved.approvedBody, parameters) } : {}),
    },
  };
}

// The shape of templates/whatsapp/<event>.json. WhatsApp only delivers business-initiated messages as
// templates approved in WhatsApp Manager, so the file does not hold the words: it names the approved
// template, repeats its approved body (so the parameter count can be checked here, and the simulator
// can check it as Meta does), and says what goes into each {{1}}, {{2}}, … in order.
import { z } from 'zod';

export const whatsAppTemplateFileSchema = z.strictObject({
  /** For people editing the file; ignored. */
  description: z.string().optional(),
  /** The template's name in WhatsApp Manager: lowercase letters, digits and underscores. */
  name: z.string().regex(/^[a-z0-9_]{1,512}$/, 'lowercase letters, digits and underscores, as WhatsApp Manager names templates'),
  /** Language code of the approved translation (en, en_US, hi, …); default WHATSAPP_TEMPLATE_LANGUAGE. */
  language: z
    .string()
    .regex(/^[a-z]{2,3}(_[A-Z]{2})?$/, 'a WhatsApp language code such as en, en_US or hi')
    .optional(),
  /** The body text exactly as approved in WhatsApp Manager, with {{1}}, {{2}}, … placeholders. */
  approvedBody: z.string().min(1),
  /** One template per positional parameter, in order: what fills {{1}}, {{2}}, … */
  body: z.array(z.string().min(1)),
});

export type WhatsAppTemplateFile = z.infer<typeof whatsAppTemplateFileSchema>;

/**
 * How many positional parameters an approved body takes. Meta requires them to be numbered 1..n
 * with none skipped; anything else is not a body WhatsApp Manager would have approved.
 */
export function approvedParameterCount(approvedBody: string): number {
  const numbers = new Set([...approvedBody.matchAll(/\{\{\s*(\d+)\s*\}\}/g)].map((m) => Number(m[1])));
  const n = numbers.size;
  for (let i = 1; i <= n; i++) if (!numbers.has(i)) throw new Error(`approvedBody: placeholders must be numbered {{1}}..{{${n}}} without gaps`);
  // WhatsApp Manager refuses a body that starts or ends with a variable.
  const trimmed = approvedBody.trim();
  if (/^\{\{\s*\d+\s*\}\}/.test(trimmed) || /\{\{\s*\d+\s*\}\}$/.test(trimmed)) throw new Error('approvedBody: may not start or end with a placeholder (WhatsApp Manager rejects it)');
  return n;
}

/** The approved body with its placeholders filled: what the customer reads. */
export function fillApprovedBody(approvedBody: string, parameters: readonly string[]): string {
  return approvedBody.replace(/\{\{\s*(\d+)\s*\}\}/g, (whole, n: string) => parameters[Number(n) - 1] ?? whole);
}

// Reads the templates folder once at start-up and checks all of it: every event × channel that is
// switched on has its files, every file parses, uses only its event's variables and guards the optional
// ones. All problems are reported together, so a store fixing its templates sees the whole list.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { NotificationChannel, NotificationEvent } from '../../storage/types';
import { EVENT_CHANNELS, LAYOUT_VARIABLES, NOTIFICATION_EVENTS, variablesFor } from '../catalog';
import { compileTemplate, type CompiledTemplate, type OutputMode, type TemplateValues } from './compile';
import { TemplateError } from './syntax';
import { approvedParameterCount, whatsAppTemplateFileSchema } from './whatsapp-file';

export type EmailChannel = Extract<NotificationChannel, 'email' | 'admin_email'>;

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

export interface RenderedWhatsApp {
  name: string;
  /** Absent: the sender's WHATSAPP_TEMPLATE_LANGUAGE. */
  language?: string;
  /** Body parameters in order ({{1}}, {{2}}, …). */
  parameters: string[];
}

export interface WhatsAppTemplateInfo {
  name: string;
  language?: string;
  approvedBody: string;
  parameterCount: number;
}

export interface TemplateSet {
  readonly dir: string;
  hasEmail(channel: EmailChannel, event: NotificationEvent): boolean;
  hasWhatsApp(event: NotificationEvent): boolean;
  renderEmail(channel: EmailChannel, event: NotificationEvent, values: TemplateValues): RenderedEmail;
  renderWhatsApp(event: NotificationEvent, values: TemplateValues): RenderedWhatsApp;
  /** The WhatsApp templates as Meta must have them approved (docs, the simulator's registry). */
  whatsAppTemplates(): WhatsAppTemplateInfo[];
}

/** Every problem found in a templates folder, one per line. */
export class TemplateLoadError extends Error {
  override readonly name = 'TemplateLoadError';
  constructor(
    readonly dir: string,
    readonly problems: string[],
  ) {
    super(`Templates in ${dir} cannot be used:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

export const LAYOUT_FILE = 'layout.html';
const EMAIL_PARTS = [
  ['subject', '.subject.txt', 'line'],
  ['text', '.txt', 'text'],
  ['html', '.html', 'html'],
] as const;

/** Files a channel folder must hold (relative to it), for the events the channel carries. */
export function expectedFiles(channel: NotificationChannel): string[] {
  const events = NOTIFICATION_EVENTS.filter((e) => EVENT_CHANNELS[e].includes(channel));
  if (channel === 'whatsapp') return events.map((e) => `${e}.json`);
  return [LAYOUT_FILE, ...events.flatMap((e) => EMAIL_PARTS.map(([, ext]) => `${e}${ext}`))];
}

interface EmailEntry {
  subject: CompiledTemplate;
  text: CompiledTemplate;
  html: CompiledTemplate;
}
interface WhatsAppEntry extends WhatsAppTemplateInfo {
  body: CompiledTemplate[];
}

/**
 * Loads the templates of the given channels from `dir` (layout: `<channel>/<event>.<part>`, see
 * docs/notifications.md). Throws TemplateLoadError listing every problem.
 */
export function loadTemplates(dir: string, channels: readonly NotificationChannel[] = ['email', 'whatsapp', 'admin_email']): TemplateSet {
  const problems: string[] = [];
  const email = new Map<string, EmailEntry>();
  const layouts = new Map<EmailChannel, CompiledTemplate>();
  const whatsapp = new Map<NotificationEvent, WhatsAppEntry>();
  const rel = (p: string) => relative(process.cwd(), p) || p;

  const read = (path: string): string | undefined => {
    if (!existsSync(path)) {
      problems.push(`${rel(path)}: missing`);
      return undefined;
    }
    return readFileSync(path, 'utf8');
  };
  const compile = (path: string, text: string, event: NotificationEvent | 'layout', mode: OutputMode): CompiledTemplate | undefined => {
    try {
      const vars = event === 'layout' ? LAYOUT_VARIABLES : variablesFor(event);
      return compileTemplate(text, rel(path), vars, mode, event === 'layout' ? { raw: ['content'] } : {});
    } catch (e) {
      problems.push(e instanceof TemplateError ? e.message : `${rel(path)}: ${(e as Error).message}`);
      return undefined;
    }
  };

  // With every channel switched off there is nothing to check, and no folder is needed.
  if (channels.length && (!existsSync(dir) || !statSync(dir).isDirectory())) throw new TemplateLoadError(dir, [`${dir} is not a folder (TEMPLATES_DIR)`]);

  for (const channel of channels) {
    const folder = join(dir, channel);
    problems.push(...unexpectedFiles(folder, expectedFiles(channel)).map((f) => `${rel(join(folder, f))}: not a template this version knows (expected one of: ${expectedFiles(channel).join(', ')})`));
    const events = NOTIFICATION_EVENTS.filter((e) => EVENT_CHANNELS[e].includes(channel));
    if (channel === 'whatsapp') {
      for (const event of events) {
        const path = join(folder, `${event}.json`);
        const text = read(path);
        if (text === undefined) continue;
        const entry = loadWhatsApp(path, text, event, rel(path), problems);
        if (entry) whatsapp.set(event, entry);
      }
      continue;
    }
    const layoutPath = join(folder, LAYOUT_FILE);
    const layoutText = read(layoutPath);
    const layout = layoutText === undefined ? undefined : compile(layoutPath, layoutText, 'layout', 'html');
    if (layout && !layout.uses.has('content')) problems.push(`${rel(layoutPath)}: must print {{content}} (where each message's body goes)`);
    if (layout) layouts.set(channel, layout);
    for (const event of events) {
      const parts: Partial<EmailEntry> = {};
      for (const [part, ext, mode] of EMAIL_PARTS) {
        const path = join(folder, `${event}${ext}`);
        const text = read(path);
        if (text !== undefined) parts[part] = compile(path, text, event, mode);
      }
      if (parts.subject && parts.text && parts.html) email.set(`${channel}:${event}`, parts as EmailEntry);
    }
  }
  if (problems.length) throw new TemplateLoadError(dir, problems);

  return {
    dir,
    hasEmail: (channel, event) => email.has(`${channel}:${event}`),
    hasWhatsApp: (event) => whatsapp.has(event),
    renderEmail(channel, event, values) {
      const t = email.get(`${channel}:${event}`);
      const layout = layouts.get(channel);
      if (!t || !layout) throw new Error(`no ${channel} template for ${event} (channel not loaded)`);
      const subject = t.subject.render(values);
      const content = t.html.render(values);
      return { subject, text: t.text.render(values), html: layout.render({ ...values, subject, content }) };
    },
    renderWhatsApp(event, values) {
      const t = whatsapp.get(event);
      if (!t) throw new Error(`no whatsapp template for ${event} (channel not loaded)`);
      return { name: t.name, ...(t.language ? { language: t.language } : {}), parameters: t.body.map((p) => p.render(values)) };
    },
    whatsAppTemplates: () => [...whatsapp.values()].map(({ name, language, approvedBody, parameterCount }) => ({ name, ...(language ? { language } : {}), approvedBody, parameterCount })),
  };
}

function loadWhatsApp(path: string, text: string, event: NotificationEvent, shown: string, problems: string[]): WhatsAppEntry | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    problems.push(`${shown}: not valid JSON (${(e as Error).message})`);
    return undefined;
  }
  const parsed = whatsAppTemplateFileSchema.safeParse(json);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${shown}: ${issue.path.join('.') || '(file)'}: ${issue.message}`);
    return undefined;
  }
  const file = parsed.data;
  let parameterCount: number;
  try {
    parameterCount = approvedParameterCount(file.approvedBody);
  } catch (e) {
    problems.push(`${shown}: ${(e as Error).message}`);
    return undefined;
  }
  if (parameterCount !== file.body.length) {
    problems.push(`${shown}: approvedBody takes ${parameterCount} parameter(s) but body lists ${file.body.length}`);
    return undefined;
  }
  const body: CompiledTemplate[] = [];
  file.body.forEach((param, i) => {
    try {
      body.push(compileTemplate(param, `${shown} body[${i}] ({{${i + 1}}})`, variablesFor(event), 'whatsapp'));
    } catch (e) {
      problems.push(e instanceof TemplateError ? e.message : `${shown}: ${(e as Error).message}`);
    }
  });
  if (body.length !== file.body.length) return undefined;
  return { name: file.name, ...(file.language ? { language: file.language } : {}), approvedBody: file.approvedBody, parameterCount, body };
}

/** Files in `folder` that are not templates (a misspelt event name would otherwise be silently unused). */
function unexpectedFiles(folder: string, expected: readonly string[]): string[] {
  if (!existsSync(folder)) return [];
  const known = new Set(expected);
  return readdirSync(folder, { withFileTypes: true })
    .filter((d) => d.isFile() && !d.name.startsWith('.') && !/^readme/i.test(d.name) && !known.has(d.name))
    .map((d) => d.name);
}

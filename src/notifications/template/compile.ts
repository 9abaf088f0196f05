// Checks a parsed template against the variables its event has, once at load, then renders it with
// the escaping its output needs. Rendering is total after a successful check: every printed variable
// is either required (the values builder guarantees it) or inside a block that tests it.
import type { VariableSet } from '../catalog';
import { parseTemplate, TemplateError, variableUses, type TemplateNode } from './syntax';

/**
 * html: values are HTML-escaped. text: printed as is (plain-text email body). line: one line, for a
 * mail subject (a newline there would end the header). whatsapp: one Cloud API parameter, which Meta
 * rejects if it holds a newline, a tab or more than four spaces in a row.
 */
export type OutputMode = 'html' | 'text' | 'line' | 'whatsapp';

/** Formatted values by variable name; absent or '' means "no value" (hides `{{#name}}` blocks). */
export type TemplateValues = Readonly<Record<string, string | undefined>>;

export interface CompiledTemplate {
  readonly source: string;
  /** Variable names the template uses (printed or tested). */
  readonly uses: ReadonlySet<string>;
  render(values: TemplateValues): string;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/** One line: no CR/LF/tab, runs of spaces collapsed. */
export function toLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/** Meta: "Param text cannot have new-line/tab characters or more than 4 consecutive spaces". */
export function toWhatsAppParam(s: string): string {
  return s.replace(/[\r\n\t]+/g, ' ').replace(/ {5,}/g, '    ').trim();
}

const ESCAPE: Record<OutputMode, (s: string) => string> = { html: escapeHtml, text: (s) => s, line: toLine, whatsapp: toWhatsAppParam };

export interface CompileOptions {
  /** Variables printed without escaping: only a layout's `content`, which is already-escaped HTML. */
  raw?: readonly string[];
}

export function compileTemplate(text: string, source: string, variables: VariableSet, mode: OutputMode, options: CompileOptions = {}): CompiledTemplate {
  const tree = parseTemplate(text, source);
  const uses = new Set<string>();
  for (const use of variableUses(tree)) {
    // hasOwn: a template naming {{constructor}} must not find Object.prototype's.
    const spec = Object.hasOwn(variables, use.name) ? variables[use.name] : undefined;
    const at = (reason: string) => new TemplateError(source, use.line, use.column, reason);
    if (!spec) throw at(`unknown variable '${use.name}'; this template may use: ${Object.keys(variables).join(', ')}`);
    if (!use.asBlock && spec.kind === 'flag') throw at(`'${use.name}' is a yes/no flag: use it as {{#${use.name}}}…{{/${use.name}}}, not {{${use.name}}}`);
    if (!use.asBlock && !spec.required && !use.guarded) {
      throw at(`'${use.name}' may be absent: print it inside {{#${use.name}}}…{{/${use.name}}} (and say something else in {{^${use.name}}}…{{/${use.name}}})`);
    }
    uses.add(use.name);
  }
  const escape = ESCAPE[mode];
  const raw = new Set(options.raw ?? []);
  const finish = mode === 'line' || mode === 'whatsapp' ? escape : (s: string) => s;
  return {
    source,
    uses,
    render: (values) => finish(renderNodes(tree, values, (name, v) => (raw.has(name) ? v : escape(v)), source)),
  };
}

function renderNodes(nodes: TemplateNode[], values: TemplateValues, escape: (name: string, v: string) => string, source: string): string {
  let out = '';
  for (const n of nodes) {
    if (n.type === 'text') out += n.text;
    else if (n.type === 'var') {
      const v = values[n.name];
      // Unreachable after compileTemplate's check unless a caller skips the values builder: say so loudly.
      if (v === undefined || v === '') throw new Error(`${source}:${n.line}:${n.column}: no value for required variable '${n.name}'`);
      out += escape(n.name, v);
    } else {
      const present = values[n.name] !== undefined && values[n.name] !== '';
      if (present !== n.inverted) out += renderNodes(n.children, values, escape, source);
    }
  }
  return out;
}

// The template language stores edit: a deliberately tiny, logic-less subset of Mustache. It can print a
// variable and show or hide a block; it cannot call code, read files, reach object properties or print
// unescaped HTML, so a template edited by a store can never do more than arrange the words.
//
//   {{name}}                 the variable's value (HTML-escaped in .html templates)
//   {{#name}} … {{/name}}    the block, only when the variable has a value
//   {{^name}} … {{/name}}    the block, only when it has none
//   {{! a note }}            a comment, never printed
//
// Anything else between {{ and }} is an error that names the file, line and column.

export type TemplateNode =
  | { type: 'text'; text: string }
  | { type: 'var'; name: string; line: number; column: number }
  | { type: 'section'; name: string; inverted: boolean; children: TemplateNode[]; line: number; column: number };

/** A template a store wrote that cannot be used; raised at load (start-up), never mid-send. */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';
  constructor(
    readonly source: string,
    readonly line: number,
    readonly column: number,
    readonly reason: string,
  ) {
    super(`${source}:${line}:${column}: ${reason}`);
  }
}

const NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

function position(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/** Parses a template into its tree. `source` names the file in error messages. */
export function parseTemplate(text: string, source: string): TemplateNode[] {
  const root: TemplateNode[] = [];
  // Open sections, innermost last; each collects its children until its closing tag.
  const stack: Array<{ node: Extract<TemplateNode, { type: 'section' }>; parent: TemplateNode[] }> = [];
  let out = root;
  let at = 0;
  const fail = (offset: number, reason: string): never => {
    const p = position(text, offset);
    throw new TemplateError(source, p.line, p.column, reason);
  };

  while (at < text.length) {
    const open = text.indexOf('{{', at);
    if (open === -1) {
      out.push({ type: 'text', text: text.slice(at) });
      break;
    }
    if (open > at) out.push({ type: 'text', text: text.slice(at, open) });
    if (text.startsWith('{{{', open)) fail(open, 'triple braces (unescaped output) are not supported: use {{name}}');
    const close = text.indexOf('}}', open + 2);
    if (close === -1) fail(open, "'{{' is never closed with '}}'");
    const raw = text.slice(open + 2, close);
    at = close + 2;
    const sigil = raw.trimStart().charAt(0);
    if (sigil === '!') continue;
    const { line, column } = position(text, open);
    const isBlockTag = sigil === '#' || sigil === '^' || sigil === '/';
    const name = (isBlockTag ? raw.trimStart().slice(1) : raw).trim();
    if (!NAME.test(name)) {
      fail(open, `'{{${raw}}}' is not a variable: names are letters, digits and '_' (e.g. {{orderId}}); no expressions, partials or dotted paths`);
    }
    if (sigil === '#' || sigil === '^') {
      const node = { type: 'section' as const, name, inverted: sigil === '^', children: [] as TemplateNode[], line, column };
      out.push(node);
      stack.push({ node, parent: out });
      out = node.children;
    } else if (sigil === '/') {
      const top = stack.pop();
      if (!top) fail(open, `'{{/${name}}}' closes a block that was never opened`);
      else if (top.node.name !== name) fail(open, `'{{/${name}}}' closes '{{${top.node.inverted ? '^' : '#'}${top.node.name}}}' opened at line ${top.node.line}`);
      else out = top.parent;
    } else {
      out.push({ type: 'var', name, line, column });
    }
  }
  const unclosed = stack.pop();
  if (unclosed) {
    throw new TemplateError(source, unclosed.node.line, unclosed.node.column, `'{{#${unclosed.node.name}}}' is never closed with '{{/${unclosed.node.name}}}'`);
  }
  return root;
}

/** Every variable a tree prints, with whether it is guarded by a `{{#name}}` block of the same name. */
export function* variableUses(nodes: TemplateNode[], guards: ReadonlySet<string> = new Set()): Generator<{ name: string; guarded: boolean; asBlock: boolean; line: number; column: number }> {
  for (const n of nodes) {
    if (n.type === 'var') yield { name: n.name, guarded: guards.has(n.name), asBlock: false, line: n.line, column: n.column };
    else if (n.type === 'section') {
      yield { name: n.name, guarded: true, asBlock: true, line: n.line, column: n.column };
      yield* variableUses(n.children, n.inverted ? guards : new Set([...guards, n.name]));
    }
  }
}

// The page's markup helpers: the shared escaping template (src/lib/html.ts).
export { escapeHtml, html, raw, SafeHtml, type HtmlValue } from '../lib/html';

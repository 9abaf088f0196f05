// Delhivery's create API reads its form body with a parser that splits on '&' and ';' and decodes '%'
// escapes, and it rejects '#' and '\' too: any of them inside a value breaks the JSON it extracts
// ("Unterminated string starting at …") or silently truncates it. Its docs say: never send & # % ; \.
// Percent-encoding them is not enough (the server decodes before it parses), so they are replaced by
// words or lookalikes a courier's field executive still reads the same way.

/** The characters Delhivery forbids in any value of a create request. */
export const FORBIDDEN_CHARS = /[&#%;\\]/;

const REPLACEMENTS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\s*[\r\n]+\s*/g, ', '], // multi-line addresses become one line
  [/&/g, ' and '], // "Plot 7 & 8" → "Plot 7 and 8"
  [/#/g, 'No. '], // "#12, 3rd Cross" → "No. 12, 3rd Cross"
  [/%/g, ' percent '], // "100% cotton" → "100 percent cotton"
  [/;/g, ','],
  [/\\/g, '/'],
  [/[\u0000-\u001f\u007f]/g, ' '],
];

/** A value safe for Delhivery's create form: forbidden characters replaced, whitespace collapsed. */
export function sanitizeValue(value: string): string {
  let out = value;
  for (const [re, replacement] of REPLACEMENTS) out = out.replace(re, replacement);
  return out
    .replace(/\s+/g, ' ')
    .replace(/\s+([,.])/g, '$1')
    .replace(/,(\s*,)+/g, ',')
    .trim();
}

export function hasForbiddenChars(value: string): boolean {
  return FORBIDDEN_CHARS.test(value);
}

// How Delhivery reads the create body `format=json&data=<json>`: pairs split on '&' and also ';' (as old
// Python query-string parsers do), '+' and %-escapes decoded. That is why & and ; (and % and #) must never
// appear in values: an unescaped one cuts the JSON short.

export function parseDelhiveryForm(body: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const pair of body.split(/[&;]/)) {
    if (!pair) continue;
    const i = pair.indexOf('=');
    const rawKey = i < 0 ? pair : pair.slice(0, i);
    const rawValue = i < 0 ? '' : pair.slice(i + 1);
    const key = decode(rawKey).trim();
    if (key && !out.has(key)) out.set(key, decode(rawValue));
  }
  return out;
}

function decode(s: string): string {
  const plus = s.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(plus);
  } catch {
    return plus; // a stray '%' stays as it is, and usually breaks the JSON after it
  }
}

/** Python's json error for a string cut short, which is what Delhivery reports. */
export function jsonErrorRemark(data: string): string {
  if (data.trim() === '') return 'Expecting value: line 1 column 1 (char 0)';
  const pos = Math.max(0, data.lastIndexOf('"'));
  return `Unterminated string starting at: line 1 column ${pos + 1} (char ${pos})`;
}

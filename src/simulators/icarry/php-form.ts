// PHP's $_POST, as iCarry's OpenCart backend sees a request body. Written from PHP's parse_str rules,
// independently of the client's encoder, so a contract test catches a mismatch instead of sharing it.
//
// - Only application/x-www-form-urlencoded bodies fill $_POST. A JSON body leaves it empty, which is why
//   integrators see JSON requests "silently fail": every field reads as missing.
// - `a[b][c]=v` nests; `a[]=v` appends at the next integer index; a later duplicate key overwrites.
// - In the top-level name, spaces and dots become underscores (PHP's register_globals heritage).

export type PhpValue = string | PhpArray;
export interface PhpArray {
  [key: string]: PhpValue;
}

const UNSAFE = new Set(['__proto__', 'constructor', 'prototype']);

export function phpPost(contentType: string | undefined, body: string): PhpArray {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return type === 'application/x-www-form-urlencoded' ? parseStr(body) : {};
}

export function parseStr(body: string): PhpArray {
  const root: PhpArray = {};
  for (const pair of body.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const rawKey = decode(eq < 0 ? pair : pair.slice(0, eq));
    const value = eq < 0 ? '' : decode(pair.slice(eq + 1));
    const m = /^([^[]*)((?:\[[^\]]*\])*)/.exec(rawKey.replace(/^ +/, ''));
    const name = m?.[1]?.replace(/[ .]/g, '_');
    if (!m || !name) continue;
    const path = [name, ...[...m[2]!.matchAll(/\[([^\]]*)\]/g)].map((p) => p[1]!)];
    if (path.some((p) => UNSAFE.has(p))) continue;
    let node = root;
    path.forEach((seg, i) => {
      const key = seg === '' ? nextIndex(node) : seg;
      if (i === path.length - 1) {
        node[key] = value;
        return;
      }
      const child = Object.hasOwn(node, key) ? node[key] : undefined;
      node = typeof child === 'object' ? child : (node[key] = {});
    });
  }
  return root;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

function nextIndex(node: PhpArray): string {
  const ints = Object.keys(node).filter((k) => /^\d+$/.test(k)).map(Number);
  return String(ints.length ? Math.max(...ints) + 1 : 0);
}

/** A scalar field, or undefined when absent or an array (PHP code would read it as "Array"). */
export function str(v: PhpValue | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** An array field, or undefined. */
export function arr(v: PhpValue | undefined): PhpArray | undefined {
  return v !== undefined && typeof v === 'object' ? v : undefined;
}

// iCarry runs on PHP (OpenCart) and reads $_POST: request bodies must be form-encoded with PHP's
// bracketed keys (`consignee[name]`, `parcel[weight][weight]`, `shipment_ids[0]`). A JSON body is
// accepted with HTTP 200 and then every field is simply missing (IC-INT1).

export type FormValue = string | number | undefined | FormValue[] | { [key: string]: FormValue };
export type FormFields = { [key: string]: FormValue };

/** Nested fields → `a[b][c]=v` pairs, in insertion order. Undefined values are left out. */
export function encodeForm(fields: FormFields): string {
  const params = new URLSearchParams();
  const add = (key: string, value: FormValue): void => {
    if (value === undefined) return;
    if (Array.isArray(value)) value.forEach((v, i) => add(`${key}[${i}]`, v));
    else if (typeof value === 'object') for (const [k, v] of Object.entries(value)) add(`${key}[${k}]`, v);
    else params.append(key, String(value));
  };
  for (const [k, v] of Object.entries(fields)) add(k, v);
  return params.toString();
}

const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export type Decoded = string | { [key: string]: Decoded };

/**
 * A form body → nested object, reading bracketed keys the way PHP does (`a[b]=1` → {a:{b:'1'}}; `a[]`
 * appends). Lists come back as objects keyed "0", "1", …: callers read them with Object.values.
 */
export function decodeForm(body: string): Record<string, Decoded> {
  const root: Record<string, Decoded> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const m = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key);
    if (!m) continue;
    const path = [m[1]!, ...[...m[2]!.matchAll(/\[([^[\]]*)\]/g)].map((p) => p[1]!)];
    // Webhook bodies are attacker-controlled until authenticated: never walk into a prototype.
    if (path.some((seg) => UNSAFE_KEYS.has(seg))) continue;
    let node: Record<string, Decoded> = root;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i] === '' ? String(Object.keys(node).length) : path[i]!;
      if (i === path.length - 1) {
        node[seg] = value;
        break;
      }
      const next = Object.hasOwn(node, seg) ? node[seg] : undefined;
      if (typeof next === 'object') node = next;
      else node = node[seg] = {};
    }
  }
  return root;
}

// The store's brand colour, made safe to read: text and buttons in that colour must keep WCAG AA
// contrast (4.5:1) against the page's white, so a light brand colour is darkened until it does.

export interface Palette {
  /** The configured colour, for accents that carry no text (progress bar, focus ring). */
  brand: string;
  /** Brand colour darkened as needed: links, button backgrounds, completed steps; ≥ 4.5:1 on white. */
  ink: string;
  /** Text on an `ink` background: white (ink is dark enough for it by construction). */
  onInk: string;
}

export function brandPalette(hex: string): Palette {
  let rgb = parseHex(hex);
  // Step towards black; 4.5:1 on white is reached long before black (21:1), so this always ends.
  while (contrast(rgb, [255, 255, 255]) < 4.5) rgb = rgb.map((c) => Math.floor(c * 0.92)) as Rgb;
  return { brand: hex.toLowerCase(), ink: toHex(rgb), onInk: '#ffffff' };
}

type Rgb = [number, number, number];

export function parseHex(hex: string): Rgb {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) throw new Error(`not a #rrggbb colour: ${hex}`);
  return [parseInt(m[1]!, 16), parseInt(m[2]!, 16), parseInt(m[3]!, 16)];
}

function toHex(rgb: Rgb): string {
  return `#${rgb.map((c) => c.toString(16).padStart(2, '0')).join('')}`;
}

/** WCAG 2.x relative luminance. */
function luminance([r, g, b]: Rgb): number {
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

export function contrast(a: Rgb, b: Rgb): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

export function contrastOfHex(a: string, b: string): number {
  return contrast(parseHex(a), parseHex(b));
}

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  awbString,
  DEFAULT_ITEM_WEIGHT_GRAMS,
  keyTime,
  parseCourierTime,
  parseWeightGrams,
  toIst,
  totalWeightGrams,
} from '../../../src/couriers/common/units';

const IST_MS = 330 * 60_000;
const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const FULL_MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** Mixed-case spellings of a unit: "kg" → "kg", "KG", "Kg", … */
const casing = (unit: string) =>
  fc.array(fc.boolean(), { minLength: unit.length, maxLength: unit.length }).map((upper) =>
    [...unit].map((ch, i) => (upper[i] ? ch.toUpperCase() : ch)).join(''),
  );
const space = fc.constantFrom('', ' ', '  ', '\t');

describe('parseWeightGrams', () => {
  it('reads the catalogue spellings the store uses', () => {
    expect(parseWeightGrams('500g')).toBe(500);
    expect(parseWeightGrams('1kg')).toBe(1000);
    expect(parseWeightGrams('1.2 kg')).toBe(1200);
    expect(parseWeightGrams('750 gm')).toBe(750);
    expect(parseWeightGrams('2 KGS')).toBe(2000);
    expect(parseWeightGrams('0.5')).toBe(500);
    expect(parseWeightGrams('.25kg')).toBe(250);
    expect(parseWeightGrams(1.5)).toBe(1500);
  });

  it('any whole number of grams in any gram spelling and case parses to itself', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.constantFrom('g', 'gm', 'gms', 'gram', 'grams').chain(casing),
        space,
        space,
        space,
        (grams, unit, lead, mid, trail) => {
          expect(parseWeightGrams(`${lead}${grams}${mid}${unit}${trail}`)).toBe(grams);
        },
      ),
    );
  });

  it('kilograms with up to three decimals convert to exact grams, with or without a unit', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.constantFrom('kg', 'kgs', 'kilo', 'kilos', 'kilogram', 'kilograms', '').chain(casing),
        space,
        (milli, unit, mid) => {
          const text = `${milli / 1000}${unit === '' ? '' : mid}${unit}`;
          expect(parseWeightGrams(text)).toBe(milli);
          expect(parseWeightGrams(milli / 1000)).toBe(milli);
        },
      ),
    );
  });

  it('liquids count as grams of water, as the store weighed them', () => {
    expect(parseWeightGrams('500ml')).toBe(500);
    expect(parseWeightGrams('500 ML')).toBe(500);
    expect(parseWeightGrams('1 l')).toBe(1000);
    expect(parseWeightGrams('1.5 Litres')).toBe(1500);
    expect(parseWeightGrams('2ltr')).toBe(2000);
  });

  it('rejects garbage, other units, zero, negatives and weights that round to nothing', () => {
    for (const bad of ['', '   ', 'abc', '1 lb', '2 oz', 'kg', '1.2.3kg', '1,5 kg', '-1kg', '0', '0g', '0.0004', '0.4 g', 'NaN', 'Infinity', '1e3', 'five kg']) {
      expect(parseWeightGrams(bad), bad).toBeUndefined();
    }
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, 0.0004]) expect(parseWeightGrams(bad), String(bad)).toBeUndefined();
    expect(parseWeightGrams(null)).toBeUndefined();
    expect(parseWeightGrams(undefined)).toBeUndefined();
  });

  it('never throws, and anything it accepts is a positive whole number of grams', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.double(), fc.constantFrom(null, undefined)), (input) => {
        const g = parseWeightGrams(input);
        if (g !== undefined) {
          expect(Number.isInteger(g)).toBe(true);
          expect(g).toBeGreaterThan(0);
        }
      }),
    );
  });

  it('a string without any digit is never a weight', () => {
    fc.assert(
      fc.property(fc.string().filter((s) => !/\d/.test(s)), (s) => {
        expect(parseWeightGrams(s)).toBeUndefined();
      }),
    );
  });
});

describe('totalWeightGrams', () => {
  const weight = fc.oneof(
    fc.integer({ min: 1, max: 5000 }).map((g) => ({ text: `${g}g` as string | number | null | undefined, grams: g as number | undefined })),
    fc.integer({ min: 1, max: 5000 }).map((milli) => ({ text: `${milli / 1000} kg`, grams: milli })),
    fc.integer({ min: 1, max: 5000 }).map((milli) => ({ text: milli / 1000, grams: milli })),
    fc.constantFrom(undefined, null, '', 'abc', '1 lb', '0g').map((text) => ({ text, grams: undefined })),
  );

  it('sums parsed weights × quantity and counts 0.5 kg for every unit without a usable weight', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ w: weight, quantity: fc.integer({ min: 1, max: 20 }) }), { maxLength: 12 }), (lines) => {
        const expected = lines.reduce((sum, l) => sum + (l.w.grams ?? 500) * l.quantity, 0);
        const defaulted = lines.reduce((n, l) => n + (l.w.grams === undefined ? l.quantity : 0), 0);
        expect(totalWeightGrams(lines.map((l) => ({ weight: l.w.text, quantity: l.quantity })))).toEqual({ grams: expected, defaulted });
      }),
    );
  });

  it('the default is 0.5 kg per item unless the caller gives another', () => {
    expect(DEFAULT_ITEM_WEIGHT_GRAMS).toBe(500);
    expect(totalWeightGrams([{ quantity: 3 }])).toEqual({ grams: 1500, defaulted: 3 });
    expect(totalWeightGrams([{ weight: 'n/a', quantity: 2 }], 200)).toEqual({ grams: 400, defaulted: 2 });
    expect(totalWeightGrams([])).toEqual({ grams: 0, defaulted: 0 });
  });

  it('lines with a zero, negative or non-numeric quantity ship nothing instead of poisoning the total', () => {
    expect(totalWeightGrams([{ weight: '1kg', quantity: 1 }, { weight: '1kg', quantity: -2 }, { weight: '1kg', quantity: Number.NaN }, { quantity: 0 }])).toEqual({
      grams: 1000,
      defaulted: 0,
    });
  });
});

// An instant between 2000 and 2099 at whole-millisecond precision, and its IST wall-clock parts.
const instant = fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2099, 11, 31) });
function istParts(t: number) {
  const d = new Date(t + IST_MS);
  return { y: d.getUTCFullYear(), mo: d.getUTCMonth() + 1, d: d.getUTCDate(), h: d.getUTCHours(), mi: d.getUTCMinutes(), s: d.getUTCSeconds(), ms: d.getUTCMilliseconds() };
}
const floorTo = (t: number, unit: number) => t - (((t % unit) + unit) % unit);
const istMidnight = (t: number) => floorTo(t + IST_MS, 86_400_000) - IST_MS;

describe('parseCourierTime', () => {
  it('reads the documented examples', () => {
    expect(parseCourierTime('2022-07-19 11:37:00')).toBe('2022-07-19T06:07:00.000Z');
    expect(parseCourierTime('2022-07-19 11:37')).toBe('2022-07-19T06:07:00.000Z');
    expect(parseCourierTime('2024-05-02T16:05:28.373')).toBe('2024-05-02T10:35:28.373Z');
    expect(parseCourierTime('2019-08-16T16:02:52.002000')).toBe('2019-08-16T10:32:52.002Z');
    expect(parseCourierTime('2019-08-16T16:02:52+05:30')).toBe('2019-08-16T10:32:52.000Z');
    expect(parseCourierTime('2019-08-16T16:02:52Z')).toBe('2019-08-16T16:02:52.000Z');
    expect(parseCourierTime('23 05 2023 11:43:52')).toBe('2023-05-23T06:13:52.000Z');
    expect(parseCourierTime('23/01/2025')).toBe('2025-01-22T18:30:00.000Z');
    expect(parseCourierTime('23/01/2025 14:05')).toBe('2025-01-23T08:35:00.000Z');
    expect(parseCourierTime('23/01/2025 14:05:09')).toBe('2025-01-23T08:35:09.000Z');
    expect(parseCourierTime('12 Mar 2021, 04:16 PM')).toBe('2021-03-12T10:46:00.000Z');
    expect(parseCourierTime('Jul 01, 2024')).toBe('2024-06-30T18:30:00.000Z');
  });

  it('every no-offset format reads as IST and round-trips a generated instant', () => {
    fc.assert(
      fc.property(instant, (t) => {
        const p = istParts(t);
        const date = `${p.y}-${pad(p.mo)}-${pad(p.d)}`;
        const hms = `${pad(p.h)}:${pad(p.mi)}:${pad(p.s)}`;
        const toSecond = new Date(floorTo(t, 1000)).toISOString();
        const toMinute = new Date(floorTo(t, 60_000)).toISOString();
        const midnight = new Date(istMidnight(t)).toISOString();
        const h12 = p.h % 12 === 0 ? 12 : p.h % 12;
        const ampm = p.h < 12 ? 'AM' : 'PM';

        expect(parseCourierTime(`${date} ${hms}`)).toBe(toSecond);
        expect(parseCourierTime(`${date}T${hms}.${pad(p.ms, 3)}`)).toBe(new Date(t).toISOString());
        expect(parseCourierTime(`${date} ${pad(p.h)}:${pad(p.mi)}`)).toBe(toMinute);
        expect(parseCourierTime(date)).toBe(midnight);
        expect(parseCourierTime(`${pad(p.d)} ${pad(p.mo)} ${p.y} ${hms}`)).toBe(toSecond);
        expect(parseCourierTime(`${pad(p.d)}/${pad(p.mo)}/${p.y}`)).toBe(midnight);
        expect(parseCourierTime(`${p.d}/${p.mo}/${p.y}`)).toBe(midnight);
        expect(parseCourierTime(`${pad(p.d)}/${pad(p.mo)}/${p.y} ${hms}`)).toBe(toSecond);
        expect(parseCourierTime(`${pad(p.d)}/${pad(p.mo)}/${p.y} ${pad(p.h)}:${pad(p.mi)}`)).toBe(toMinute);
        expect(parseCourierTime(`${pad(p.d)} ${MONTHS[p.mo - 1]} ${p.y}, ${pad(h12)}:${pad(p.mi)} ${ampm}`)).toBe(toMinute);
        expect(parseCourierTime(`${p.d} ${FULL_MONTHS[p.mo - 1]} ${p.y} ${h12}:${pad(p.mi)}:${pad(p.s)}${ampm.toLowerCase()}`)).toBe(toSecond);
        expect(parseCourierTime(`${MONTHS[p.mo - 1]} ${pad(p.d)}, ${p.y}`)).toBe(midnight);
        expect(parseCourierTime(`  ${date} ${hms}  `)).toBe(toSecond);
      }),
    );
  });

  it('an explicit offset is honoured in every spelling', () => {
    const offset = fc.integer({ min: -12 * 60, max: 14 * 60 });
    fc.assert(
      fc.property(instant, offset, fc.boolean(), fc.boolean(), (t, off, colon, spaced) => {
        const wall = new Date(floorTo(t, 1000) + off * 60_000).toISOString().slice(0, 19);
        const abs = Math.abs(off);
        const tz = off === 0 && colon ? 'Z' : `${off < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}${colon ? ':' : ''}${pad(abs % 60)}`;
        expect(parseCourierTime(`${wall}${spaced ? ' ' : ''}${tz}`)).toBe(new Date(floorTo(t, 1000)).toISOString());
      }),
    );
  });

  it('fractional seconds of any length are kept to the millisecond', () => {
    fc.assert(
      fc.property(instant, fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 1, maxLength: 12 }), fc.boolean(), (t, digits, offset) => {
        const p = istParts(floorTo(t, 1000));
        const text = `${p.y}-${pad(p.mo)}-${pad(p.d)}T${pad(p.h)}:${pad(p.mi)}:${pad(p.s)}.${digits}${offset ? '+05:30' : ''}`;
        const ms = Number(digits.slice(0, 3).padEnd(3, '0'));
        expect(parseCourierTime(text)).toBe(new Date(floorTo(t, 1000) + ms).toISOString());
      }),
    );
  });

  it('days past the end of the month are rejected in every format, with or without an offset', () => {
    const overflow = fc
      .record({ y: fc.integer({ min: 2000, max: 2099 }), mo: fc.integer({ min: 1, max: 12 }), extra: fc.integer({ min: 1, max: 3 }) })
      .map(({ y, mo, extra }) => ({ y, mo, d: new Date(Date.UTC(y, mo, 0)).getUTCDate() + extra }))
      .filter(({ d }) => d <= 31);
    fc.assert(
      fc.property(overflow, ({ y, mo, d }) => {
        for (const text of [
          `${y}-${pad(mo)}-${pad(d)} 10:00:00`,
          `${y}-${pad(mo)}-${pad(d)}T10:00:00.000+05:30`,
          `${y}-${pad(mo)}-${pad(d)}T10:00:00Z`,
          `${pad(d)} ${pad(mo)} ${y} 10:00:00`,
          `${pad(d)}/${pad(mo)}/${y}`,
          `${d} ${MONTHS[mo - 1]} ${y}, 10:00 AM`,
          `${MONTHS[mo - 1]} ${d}, ${y}`,
        ]) {
          expect(parseCourierTime(text), text).toBeUndefined();
        }
      }),
    );
    expect(parseCourierTime('31/02/2025')).toBeUndefined();
    expect(parseCourierTime('29/02/2023')).toBeUndefined();
    expect(parseCourierTime('29/02/2024')).toBe('2024-02-28T18:30:00.000Z');
  });

  it('impossible clock times, months and offsets are rejected', () => {
    for (const bad of [
      '2024-01-01 24:00:00',
      '2024-01-01T24:00:00+05:30',
      '2024-01-01 10:60:00',
      '2024-01-01 10:00:60',
      '2024-01-31T23:59:60Z',
      '2024-13-01 10:00:00',
      '2024-00-10 10:00:00',
      '2024-01-00',
      '2024-01-01T10:00:00+15:00',
      '2024-01-01T10:00:00+05:75',
      '00/01/2025',
      '12 Mar 2021, 13:16 PM',
      '12 Mar 2021, 00:16 AM',
      '12 Marchx 2021, 04:16 PM',
      'Foo 01, 2024',
      '0023-01-01 10:00:00',
    ]) {
      expect(parseCourierTime(bad), bad).toBeUndefined();
    }
  });

  it('never throws on arbitrary input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.constantFrom(null, undefined, '', ' ')), (s) => {
        const out = parseCourierTime(s);
        if (out !== undefined) expect(new Date(out).toISOString()).toBe(out);
      }),
    );
  });

  it('toIst and parseCourierTime are inverse to the minute', () => {
    fc.assert(
      fc.property(instant, (t) => {
        const { date, time } = toIst(t);
        expect(parseCourierTime(`${date} ${time}`)).toBe(new Date(floorTo(t, 60_000)).toISOString());
      }),
    );
  });
});

describe('keyTime and awbString', () => {
  it('keyTime cuts an ISO instant to the second, so copies of a scan with different precision agree', () => {
    fc.assert(
      fc.property(instant, (t) => {
        const iso = new Date(t).toISOString();
        expect(keyTime(iso)).toBe(new Date(floorTo(t, 1000)).toISOString().slice(0, 19));
      }),
    );
    expect(keyTime(parseCourierTime('2019-08-16T16:02:52.002000')!)).toBe(keyTime(parseCourierTime('2019-08-16 16:02:52')!));
  });

  it('AWBs become strings whether they arrive as numbers or strings', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), (n) => {
        expect(awbString(n)).toBe(String(n));
      }),
    );
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'0123456789ABCDEF'), minLength: 1, maxLength: 20 }), space, (s, ws) => {
        expect(awbString(`${ws}${s}${ws}`)).toBe(s);
      }),
    );
    expect(awbString(345642367564)).toBe('345642367564');
    for (const bad of [0, -5, 1.5, 2 ** 60, Number.NaN, '', '   ', null, undefined, {}, []]) expect(awbString(bad), String(bad)).toBeUndefined();
  });
});

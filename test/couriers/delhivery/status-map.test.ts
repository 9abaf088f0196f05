import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SHIPMENT_STATUSES } from '../../../src/domain/status';
import { INFORMATIONAL_CODES, NDR_CODES, STATUS_TABLE, mapScan } from '../../../src/couriers/delhivery/status-map';

describe('Delhivery status map: StatusType × Status', () => {
  // couriers.md §2.6 (Delhivery's package-lifecycle vocabulary) and §4, written out independently of the table.
  const expected: Array<[string, string, string | null]> = [
    ['UD', 'Manifested', 'booked'],
    ['UD', 'Not Picked', 'pickup_failed'],
    ['UD', 'In Transit', 'in_transit'],
    ['UD', 'Pending', 'in_transit'],
    ['UD', 'Dispatched', 'out_for_delivery'],
    ['DL', 'Delivered', 'delivered'],
    ['DL', 'RTO', 'rto_delivered'],
    ['DL', 'DTO', 'delivered'],
    ['PP', 'Open', 'pickup_scheduled'],
    ['PP', 'Scheduled', 'pickup_scheduled'],
    ['PP', 'Dispatched', 'pickup_scheduled'],
    ['PU', 'In Transit', 'picked_up'],
    ['PU', 'Pending', 'in_transit'],
    ['PU', 'Dispatched', 'out_for_delivery'],
    ['CN', 'Canceled', 'cancelled'],
    ['CN', 'Closed', 'cancelled'],
  ];
  it.each(expected)('%s / %s → %s', (statusType, status, want) => {
    const m = mapScan({ statusType, status, nsl: undefined });
    expect(m.status).toBe(want);
    expect(m.unmapped).toBe(false);
  });

  it('covers every documented StatusType and Status (no table entry left untested)', () => {
    const documented = new Set(expected.map(([t, s]) => `${t}/${s}`));
    for (const [t, row] of Object.entries(STATUS_TABLE)) {
      for (const s of Object.keys(row)) {
        if (t === 'RT' || (t === 'CN' && s === 'Cancelled')) continue; // RT: below; Cancelled: spelling variant
        expect(documented, `${t}/${s}`).toContain(`${t}/${s}`);
      }
    }
  });

  it('matches Status case-insensitively and tolerates padding (values come from free-form pushes)', () => {
    expect(mapScan({ statusType: ' ud', status: 'IN TRANSIT ', nsl: undefined }).status).toBe('in_transit');
  });

  it('maps LOST whatever its StatusType (never seen in a source)', () => {
    for (const t of ['UD', 'DL', 'LT', undefined]) expect(mapScan({ statusType: t, status: 'LOST', nsl: undefined }).status).toBe('lost');
  });

  it('returns only Waybill statuses', () => {
    for (const [t, row] of Object.entries(STATUS_TABLE)) {
      for (const s of Object.keys(row)) {
        const m = mapScan({ statusType: t, status: s, nsl: undefined });
        expect(SHIPMENT_STATUSES).toContain(m.status);
      }
    }
  });
});

describe('Delhivery status map: NSL refinements', () => {
  it('FMPUR-101 under UD/Manifested is pickup_scheduled, X-UCI stays booked', () => {
    expect(mapScan({ statusType: 'UD', status: 'Manifested', nsl: 'FMPUR-101' }).status).toBe('pickup_scheduled');
    expect(mapScan({ statusType: 'UD', status: 'Manifested', nsl: 'X-UCI' }).status).toBe('booked');
  });

  it('X-PPOM under UD/In Transit is picked_up; other hub scans are in_transit', () => {
    expect(mapScan({ statusType: 'UD', status: 'In Transit', nsl: 'X-PPOM' }).status).toBe('picked_up');
    for (const code of ['X-PIOM', 'S-MAR', 'X-DBL1F', 'X-DLL2F', 'X-ILL1F', 'X-ILL2F', 'X-DWS']) {
      expect(mapScan({ statusType: 'UD', status: 'In Transit', nsl: code }).status, code).toBe('in_transit');
    }
  });

  it('UD/Pending without an NDR code (X-IBD3F, at the destination DC) is in_transit', () => {
    const m = mapScan({ statusType: 'UD', status: 'Pending', nsl: 'X-IBD3F' });
    expect(m).toEqual({ status: 'in_transit', unmapped: false, unknownCode: false });
  });

  it('X-DDD3FD and ST-114 under UD/Dispatched are out_for_delivery; EOD-38 under DL is delivered', () => {
    expect(mapScan({ statusType: 'UD', status: 'Dispatched', nsl: 'X-DDD3FD' }).status).toBe('out_for_delivery');
    expect(mapScan({ statusType: 'UD', status: 'Dispatched', nsl: 'ST-114' }).status).toBe('out_for_delivery');
    expect(mapScan({ statusType: 'DL', status: 'Delivered', nsl: 'EOD-38' }).status).toBe('delivered');
  });

  it('every informational code maps under the StatusType/Status it is seen with', () => {
    const seenWith: Record<string, [string, string]> = {
      'X-UCI': ['UD', 'Manifested'],
      'X-PIOM': ['UD', 'In Transit'],
      'S-MAR': ['UD', 'In Transit'],
      'X-DBL1F': ['UD', 'In Transit'],
      'X-DLL2F': ['UD', 'In Transit'],
      'X-ILL1F': ['UD', 'In Transit'],
      'X-ILL2F': ['UD', 'In Transit'],
      'X-DWS': ['UD', 'In Transit'],
      'X-IBD3F': ['UD', 'Pending'],
      'X-DDD3FD': ['UD', 'Dispatched'],
      'ST-114': ['UD', 'Dispatched'],
      'EOD-38': ['DL', 'Delivered'],
      'RT-108': ['DL', 'RTO'],
      'EOD-777': ['CN', 'Canceled'],
      'EOD-21': ['CN', 'Canceled'],
    };
    expect(Object.keys(seenWith).sort()).toEqual(Object.keys(INFORMATIONAL_CODES).sort());
    for (const [code, [t, s]] of Object.entries(seenWith)) {
      const m = mapScan({ statusType: t, status: s, nsl: code });
      expect(m.status, code).not.toBeNull();
      expect(m.ndr, code).toBeUndefined();
      expect(m.unknownCode, code).toBe(false);
    }
  });
});

describe('Delhivery status map: NDR codes', () => {
  const reasons: Array<[string, string]> = [
    ['EOD-11', 'consignee_unavailable'],
    ['EOD-74', 'address_issue'],
    ['EOD-6', 'refused'],
    ['EOD-111', 'refused'],
    ['EOD-3', 'future_delivery_requested'],
    ['EOD-40', 'cod_not_ready'],
    ['EOD-69', 'open_delivery_requested'],
    ['EOD-104', 'restricted_entry'],
    ['EOD-86', 'not_attempted'],
    ['DLYDC-132', 'out_of_delivery_area'],
    ['ST-108', 'max_attempts'],
    ['ST-105', 'future_delivery_requested'],
    ['ST-107', 'future_delivery_requested'],
    ['EOD-15', 'other'],
    ['EOD-16', 'other'],
    ['EOD-43', 'other'],
  ];
  it.each(reasons)('UD/Pending + %s → undelivered (%s)', (code, reason) => {
    const m = mapScan({ statusType: 'UD', status: 'Pending', nsl: code });
    expect(m.status).toBe('undelivered');
    expect(m.ndr?.reason).toBe(reason);
    expect(m.unknownCode).toBe(false);
  });

  it('lists exactly the documented NDR codes', () => {
    expect(Object.keys(NDR_CODES).sort()).toEqual(reasons.map(([c]) => c).sort());
  });

  it('an NDR code under UD/Dispatched is an NDR too (the attempt failed before the status moved)', () => {
    expect(mapScan({ statusType: 'UD', status: 'Dispatched', nsl: 'EOD-74' }).status).toBe('undelivered');
  });

  it('an NDR code under UD/In Transit does not open an NDR', () => {
    expect(mapScan({ statusType: 'UD', status: 'In Transit', nsl: 'EOD-11' }).status).toBe('in_transit');
  });

  it('an unknown EOD code under UD/Pending is an NDR with reason other, reported as unknown', () => {
    const m = mapScan({ statusType: 'UD', status: 'Pending', nsl: 'EOD-999' });
    expect(m.status).toBe('undelivered');
    expect(m.ndr?.reason).toBe('other');
    expect(m.unmapped).toBe(false);
    expect(m.unknownCode).toBe(true);
  });

  it('NSL codes are matched case-insensitively', () => {
    expect(mapScan({ statusType: 'UD', status: 'Pending', nsl: 'eod-11' }).ndr?.reason).toBe('consignee_unavailable');
  });
});

describe('Delhivery status map: RTO phase', () => {
  it.each(['In Transit', 'Pending', 'Dispatched'])('RT/%s is rto_initiated when it started the RTO, else rto_in_transit', (status) => {
    expect(mapScan({ statusType: 'RT', status, nsl: undefined, firstRtoScan: true }).status).toBe('rto_initiated');
    expect(mapScan({ statusType: 'RT', status, nsl: undefined, firstRtoScan: false }).status).toBe('rto_in_transit');
  });

  it('without context, RT/In Transit is taken as the start; RT/Pending and RT/Dispatched as later', () => {
    expect(mapScan({ statusType: 'RT', status: 'In Transit', nsl: 'X-ILL1F' }).status).toBe('rto_initiated');
    expect(mapScan({ statusType: 'RT', status: 'Pending', nsl: 'X-IBD3F' }).status).toBe('rto_in_transit');
    expect(mapScan({ statusType: 'RT', status: 'Dispatched', nsl: 'X-DDD3FD' }).status).toBe('rto_in_transit');
  });
});

describe('Delhivery status map: unknown input', () => {
  it.each([
    ['XX', 'Manifested'],
    ['UD', 'Teleported'],
    ['DL', 'Pending'],
    [undefined, undefined],
    ['', ''],
  ])('%s / %s → null, unmapped, reported', (statusType, status) => {
    expect(mapScan({ statusType, status, nsl: 'X-NEW1' })).toEqual({ status: null, unmapped: true, unknownCode: true });
  });

  it('never throws and always answers a Waybill status or null (property)', () => {
    fc.assert(
      fc.property(fc.option(fc.string()), fc.option(fc.string()), fc.option(fc.string()), fc.option(fc.boolean()), (t, s, n, first) => {
        const m = mapScan({ statusType: t ?? undefined, status: s ?? undefined, nsl: n ?? undefined, firstRtoScan: first ?? undefined });
        expect(m.status === null || SHIPMENT_STATUSES.includes(m.status)).toBe(true);
        expect(m.unmapped).toBe(m.status === null);
      }),
    );
  });
});

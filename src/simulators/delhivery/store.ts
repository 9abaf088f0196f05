// The simulator's Delhivery-side state: packages as Delhivery holds them (consignee, payment, the scans it
// shows), next to the courier-neutral ScenarioEngine shipments that drive them.

export interface SimScan {
  at: number; // epoch ms
  time: string; // Delhivery's IST text, fixed once so the webhook and tracking copies agree
  statusType: string;
  status: string;
  code: string; // NSL code
  instructions: string;
  location: string;
}

export interface SimPackage {
  awb: string;
  orderId: string;
  createdAt: number;
  paymentMode: 'COD' | 'Pre-paid';
  codAmount: number;
  totalAmount: number;
  consignee: { name: string; add: string; city: string; state: string; pin: string; phone: string };
  productsDesc: string;
  quantity: string;
  weightGrams: number;
  warehouse: string;
  clientName: string;
  sortCode: string;
  scans: SimScan[];
  rtoStartedAt?: number;
  cancelled: boolean;
  /** Details changed through /api/p/edit or EDIT_DETAILS. */
  edits: Array<{ at: number; fields: Record<string, string> }>;
}

export interface UplRecord {
  id: string;
  createdAt: number;
  results: Array<{ waybill: string; act: string; status: 'Success' | 'Failure'; remark: string }>;
}

/** Delhivery's duplicate check: these six fields equal means the same order (DL-ONE FAQ). */
export function duplicateKey(client: string, s: { order: string; total_amount: unknown; products_desc: unknown; payment_mode: unknown; name: unknown }): string {
  return JSON.stringify([client, s.order, String(s.total_amount ?? ''), String(s.products_desc ?? ''), String(s.payment_mode ?? '').toLowerCase(), String(s.name ?? '')]);
}

export class DelhiveryStore {
  readonly packages = new Map<string, SimPackage>();
  readonly byDuplicateKey = new Map<string, string>();
  readonly upls = new Map<string, UplRecord>();
  private waybillSeq = 0;
  private uplSeq = 0;

  /** 14-digit waybills in a series of their own, like Delhivery's per-client allocations. */
  nextWaybill(): string {
    this.waybillSeq++;
    return `3714${String(100_000_000 + this.waybillSeq).padStart(10, '0')}`;
  }

  nextUpl(): string {
    this.uplSeq++;
    return `UPL${String(7020052183914951 + this.uplSeq)}`;
  }

  byOrderIds(orderIds: ReadonlySet<string>): SimPackage[] {
    return [...this.packages.values()].filter((p) => orderIds.has(p.orderId));
  }
}

export function lastScan(p: SimPackage): SimScan | undefined {
  return p.scans[p.scans.length - 1];
}

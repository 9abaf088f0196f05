// Booking Delhivery shipments through the API, as the store and an admin would: POST /api/orders, then
// POST /api/orders/:id/ship. Shared by the in-process stack (stack.ts) and the process stack (procs.ts).
import { performance } from 'node:perf_hooks';
import { request as http } from 'undici';
import { mapLimit } from '../../src/lib/map-limit';
import { sampleOrder } from '../../test/support/api';
import { say } from './report';

export interface Booked {
  orderId: string;
  awb: string;
}

export interface Booker {
  book(n: number, prefix: string, concurrency?: number, opts?: { progressEvery?: number }): Promise<Booked[]>;
  /** Booking requests retried after a 5xx or a network error (ship is idempotent: a retry joins the workflow). */
  readonly retries: number;
}

export function booker(apiUrl: string, adminToken: string): Booker {
  const auth = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' };
  let retries = 0;
  /**
   * A 5xx or a network error is retried (order upsert and ship are both idempotent); a 4xx is not. Under
   * concurrent bookings FerretDB answers some writes with SQLITE_BUSY, which the API turns into a 500.
   */
  const retrying = async <T>(what: string, call: () => Promise<{ status: number; value?: T; body: unknown }>): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      let failure: string;
      try {
        const r = await call();
        if (r.status < 300 && r.value !== undefined) return r.value;
        failure = `${r.status} ${JSON.stringify(r.body)}`;
        if (r.status < 500) throw new Error(`${what}: ${failure}`);
      } catch (e) {
        if (e instanceof Error && e.message.startsWith(`${what}:`)) throw e;
        failure = e instanceof Error ? e.message : String(e);
      }
      if (attempt >= 5) throw new Error(`${what}: ${failure} (after ${attempt} attempts)`);
      retries++;
      say(`${what}: ${failure}; retrying`);
      await new Promise((res) => setTimeout(res, 1_000 * attempt));
    }
  };
  return {
    get retries() {
      return retries;
    },
    async book(n, prefix, concurrency = 8, opts = {}) {
      const every = opts.progressEvery ?? 500;
      const t0 = performance.now();
      let done = 0;
      let lastAt = t0;
      return mapLimit(
        Array.from({ length: n }, (_, i) => `${prefix}-${i + 1}`),
        concurrency,
        async (orderId) => {
          await retrying(`create ${orderId}`, async () => {
            const r = await http(`${apiUrl}/api/orders`, { method: 'POST', headers: auth, body: JSON.stringify(sampleOrder(orderId)) });
            const body = await r.body.text();
            return { status: r.statusCode, value: true, body };
          });
          const awb = await retrying(`ship ${orderId}`, async () => {
            const r = await http(`${apiUrl}/api/orders/${orderId}/ship`, { method: 'POST', headers: auth, body: JSON.stringify({ courierId: 'delhivery' }) });
            const body = (await r.body.json()) as { awb?: string };
            return { status: r.statusCode, value: body.awb, body };
          });
          if (++done % every === 0 || done === n) {
            const now = performance.now();
            const elapsed = (now - t0) / 1000;
            say(`booked ${done}/${n}: ${(done / elapsed).toFixed(1)}/s overall, ${(((done % every || every) * 1000) / (now - lastAt)).toFixed(1)}/s lately, ${elapsed.toFixed(0)} s elapsed`);
            lastAt = now;
          }
          return { orderId, awb };
        },
      );
    },
  };
}

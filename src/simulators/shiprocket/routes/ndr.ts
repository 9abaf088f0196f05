// POST /ndr/:awb/action, GET /ndr/all, GET /ndr/:awb (couriers.md §1.9).
import type { Router } from 'express';
import { bodyOf, notFound, type SimContext } from '../context';
import { ndrItem } from '../payloads';
import { openNdr } from '../store';
import { Checker, validationEnvelope } from '../validation';

const ACTIONS = ['re-attempt', 'return', 'fake-attempt'] as const;

export function mountNdr(r: Router, ctx: SimContext): void {
  r.get('/ndr/all', (req, res) => {
    const perPage = Math.min(Math.max(Number(req.query.per_page) || 15, 1), 100);
    const page = Math.max(Number(req.query.page) || 1, 1);
    const search = typeof req.query.search === 'string' ? req.query.search : '';
    const open = ctx.store.orders.filter((o) => openNdr(o) && (search === '' || o.awb === search || o.channelOrderId === search));
    const data = open.slice((page - 1) * perPage, page * perPage).map(ndrItem);
    const totalPages = Math.max(1, Math.ceil(open.length / perPage));
    res.json({
      data,
      meta: {
        pagination: {
          total: open.length,
          count: data.length,
          per_page: perPage,
          current_page: page,
          total_pages: totalPages,
          links: page < totalPages ? { next: `/ndr/all?page=${page + 1}` } : {},
        },
      },
    });
  });

  r.get('/ndr/:awb', (req, res) => {
    const order = ctx.store.byAwb(req.params.awb);
    if (!order || !order.scans.some((s) => s.srStatus === 21)) {
      res.status(404).json(notFound);
      return;
    }
    res.json({ data: [ndrItem(order)], meta: { pagination: { total: 1, count: 1, per_page: 15, current_page: 1, total_pages: 1, links: {} } } });
  });

  r.post('/ndr/:awb/action', (req, res) => {
    const b = bodyOf(req);
    const c = new Checker(b).required('action', 'comments').oneOf('action', ACTIONS);
    c.custom('deferred_date', b.deferred_date === undefined || /^\d{4}-\d{2}-\d{2}$/.test(String(b.deferred_date)), 'The deferred date does not match the format Y-m-d.');
    c.custom('phone', b.phone === undefined || /^\d{10}$/.test(String(b.phone)), 'The phone must be 10 digits.');
    if (!c.ok) {
      res.status(422).json(validationEnvelope(c.errors));
      return;
    }
    const order = ctx.store.byAwb(req.params.awb);
    if (!order) {
      res.status(404).json(notFound);
      return;
    }
    if (!openNdr(order)) {
      res.status(400).json({ message: `No open NDR for AWB ${order.awb}; action not allowed`, status_code: 400 });
      return;
    }
    const action = b.action as (typeof ACTIONS)[number];
    const comments = String(b.comments);
    order.ndrActions.push({ at: ctx.clock.now(), action, comments });
    const detail: Record<string, unknown> = { comments };
    for (const k of ['phone', 'address1', 'address2', 'deferred_date']) if (b[k] !== undefined) detail[k] = b[k];
    if (action === 'return') ctx.engine.recordNdrAction(order.awb!, 'return', detail);
    else if (b.deferred_date !== undefined) ctx.engine.recordNdrAction(order.awb!, 'reschedule', detail);
    else ctx.engine.recordNdrAction(order.awb!, 'reattempt', { ...detail, ...(action === 'fake-attempt' ? { fakeAttempt: true } : {}) });
    // 202 and the misspelling are both verbatim.
    res.status(202).json({ status: 'Data Updated Sucessfully' });
  });
}

// Operations that are about Waybill itself rather than one order: key rotation and the webhook inbox.
import { Router } from 'express';
import type { CourierSettingsRepo } from '../../storage/courier-settings-repo';
import type { InboxRepo } from '../../storage/inbox-repo';
import { handle, parse } from '../middleware';
import { inboxQuerySchema } from '../schemas';

export function adminRouter(d: { courierSettings: CourierSettingsRepo; inbox: InboxRepo }): Router {
  const r = Router();

  /** After moving the old key to SECRETS_OLD_KEYS: re-encrypt everything under the current key, then drop the old one. */
  r.post(
    '/secrets/rotate',
    handle(async (_req, res) => {
      res.json(await d.courierSettings.rotateAll());
    }),
  );

  r.get(
    '/webhook-inbox',
    handle(async (req, res) => {
      const q = parse(inboxQuerySchema, req.query);
      const [counts, items] = await Promise.all([d.inbox.counts(), d.inbox.list(q)]);
      res.json({ counts, items });
    }),
  );

  return r;
}

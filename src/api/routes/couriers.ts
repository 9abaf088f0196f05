// Courier settings for admins: secrets go in, never come out (a GET says only whether each is set and
// under which key), and the webhook URL to paste into the courier's dashboard.
import { Router } from 'express';
import type { CourierId } from '../../domain/events';
import type { CourierSettingsRepo } from '../../storage/courier-settings-repo';
import type { WebhookSecrets } from '../../webhooks/auth-settings';
import { webhookSetup } from '../../webhooks/endpoints';
import { ApiError, notFound } from '../errors';
import { actorOf, handle, parse } from '../middleware';
import { courierParamsSchema, courierSettingsBodySchema } from '../schemas';

export interface CouriersRouteDeps {
  courierSettings: CourierSettingsRepo;
  publicBaseUrl: string;
  /** The settings webhooks are checked against (stored ones, or the simulators' in development). */
  webhookSettings: (courier: CourierId) => Promise<WebhookSecrets | null>;
}

export function couriersRouter(d: CouriersRouteDeps): Router {
  const r = Router();

  r.get(
    '/:courierId',
    handle(async (req, res) => {
      const { courierId } = parse(courierParamsSchema, req.params);
      const view = await d.courierSettings.getView(courierId);
      if (!view) throw notFound(`settings for courier ${courierId}`);
      res.json(view);
    }),
  );

  r.put(
    '/:courierId',
    handle(async (req, res) => {
      const { courierId } = parse(courierParamsSchema, req.params);
      const body = parse(courierSettingsBodySchema(courierId), req.body);
      if (body.apiConfig.provider !== courierId && body.apiConfig.provider !== 'manual') {
        throw new ApiError('validation_failed', 'request validation failed', [{ path: 'apiConfig.provider', message: `must be '${courierId}' or 'manual'` }]);
      }
      const { baseUrl, ...config } = body.apiConfig;
      res.json(await d.courierSettings.put(courierId, { ...config, ...(baseUrl ? { baseUrl } : {}), fields: body.fields as Record<string, string> }, actorOf(req)));
    }),
  );

  r.get(
    '/:courierId/webhook-url',
    handle(async (req, res) => {
      const { courierId } = parse(courierParamsSchema, req.params);
      res.json(webhookSetup(courierId, d.publicBaseUrl, await d.webhookSettings(courierId)));
    }),
  );

  return r;
}

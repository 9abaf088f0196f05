// The Express application: routers, auth, and the one error middleware. No listen() here, so tests
// drive it with supertest and the server entry point owns the socket.
import express, { type Express } from 'express';
import type { Logger } from 'pino';
import { ApiError } from './errors';
import { errorMiddleware, requireAdmin } from './middleware';
import { healthRouter, type HealthChecks } from './routes/health';
import { ordersRouter, type OrdersRouteDeps } from './routes/orders';

export interface AppDeps extends OrdersRouteDeps {
  log: Logger;
  adminTokens: readonly string[];
  health: HealthChecks;
}

export function createApp(d: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(healthRouter(d.health));
  app.use('/api', express.json({ limit: '256kb' }));
  app.use('/api/orders', requireAdmin(d.adminTokens), ordersRouter(d));
  app.use((_req, _res, next) => next(new ApiError('not_found', 'no such route')));
  app.use(errorMiddleware(d.log));
  return app;
}

// A local WhatsApp Business Cloud API: the messages endpoint for template messages, with Meta's
// validation and error shapes, a record of every accepted message (what the tests read back), scripted
// errors and the shared fault injection. Meta has a test number but no offline sandbox; this is what
// the WhatsApp channel is tested against, and what docker-compose points the worker at.
//
//   POST /{version}/{phone-number-id}/messages   (or without the version segment)
//   GET    /__sim/messages      → { messages: SimMessage[] }   DELETE clears them
//   POST   /__sim/errors        { code, to?, times? }: the next matching sends answer Graph error `code`
//   DELETE /__sim/errors
//   POST   /__sim/faults        FaultConfig (500s, timeouts, latency, 429 bursts)
//   GET    /__sim/stats
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express, type Request, type Response } from 'express';
import { loadTemplates } from '../../notifications/template/load';
import { Faults, type FaultConfig } from '../faults';
import { WHATSAPP_SIM_DEFAULTS } from './defaults';
import { graphError, isKnownGraphCode } from './graph-errors';
import { validateTemplateMessage, type AcceptedMessage, type SimTemplate } from './validate';

export interface WhatsAppSimulatorOptions {
  accessToken?: string;
  phoneNumberId?: string;
  /** Approved templates; default: those of the templates folder (see simTemplatesFrom). */
  templates?: readonly SimTemplate[];
  /** When set, only these numbers (digits) may receive messages, like a test number's allowed list. */
  allowedRecipients?: readonly string[];
  faults?: FaultConfig;
}

export interface SimMessage extends AcceptedMessage {
  id: string;
  phoneNumberId: string;
  receivedAt: string;
  /** The request body exactly as received. */
  body: unknown;
}

export interface ScriptedError {
  code: number;
  /** Only sends to this number (digits); default any. */
  to?: string;
  /** How many sends answer this error; default 1. */
  times?: number;
}

export interface WhatsAppSimulator {
  readonly app: Express;
  readonly faults: Faults;
  readonly messages: SimMessage[];
  readonly templates: Map<string, SimTemplate>;
  scriptError(e: ScriptedError): void;
  reset(): void;
}

/** The WhatsApp templates of a templates folder, as Meta would have them approved. */
export function simTemplatesFrom(dir: string, defaultLanguage: string = WHATSAPP_SIM_DEFAULTS.language): SimTemplate[] {
  return loadTemplates(dir, ['whatsapp'])
    .whatsAppTemplates()
    .map((t) => ({ name: t.name, language: t.language ?? defaultLanguage, parameterCount: t.parameterCount, approvedBody: t.approvedBody }));
}

export function createWhatsAppSimulator(opts: WhatsAppSimulatorOptions = {}): WhatsAppSimulator {
  const token = opts.accessToken ?? WHATSAPP_SIM_DEFAULTS.accessToken;
  const phoneNumberId = opts.phoneNumberId ?? WHATSAPP_SIM_DEFAULTS.phoneNumberId;
  const templates = new Map((opts.templates ?? simTemplatesFrom('templates')).map((t) => [`${t.name}:${t.language}`, t]));
  const allowed = opts.allowedRecipients ? new Set(opts.allowedRecipients) : undefined;
  const messages: SimMessage[] = [];
  let scripted: Array<Required<Pick<ScriptedError, 'code' | 'times'>> & Pick<ScriptedError, 'to'>> = [];
  const faults = new Faults();
  if (opts.faults) faults.set(opts.faults);

  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '1mb' }));
  app.use('/__sim', controlRoutes());
  app.use(faults.middleware);

  const send = (req: Request<{ phoneNumberId: string }>, res: Response): void => {
    const answer = (e: ReturnType<typeof graphError>) => void res.status(e.status).json(e.body);
    const auth = req.get('authorization');
    if (!auth) return answer(graphError(104));
    if (auth !== `Bearer ${token}`) return answer(graphError(190));
    if (req.params.phoneNumberId !== phoneNumberId) {
      return answer(
        graphError(100, undefined, {
          subcode: 33,
          type: 'GraphMethodException',
          message: `Unsupported post request. Object with ID '${req.params.phoneNumberId}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
        }),
      );
    }
    const to = typeof req.body?.to === 'string' ? req.body.to.replace(/^\+/, '') : undefined;
    const s = scripted.find((e) => !e.to || e.to === to);
    if (s) {
      s.times -= 1;
      if (s.times <= 0) scripted = scripted.filter((e) => e !== s);
      return answer(graphError(s.code));
    }
    const v = validateTemplateMessage(req.body, templates, allowed);
    if (!v.ok) return answer(v.error);
    const id = `wamid.${randomBytes(24).toString('base64url')}`;
    messages.push({ ...v.message, id, phoneNumberId, receivedAt: new Date().toISOString(), body: req.body });
    res.json({ messaging_product: 'whatsapp', contacts: [{ input: v.message.input, wa_id: v.message.to }], messages: [{ id, message_status: 'accepted' }] });
  };
  app.post('/:version/:phoneNumberId/messages', send);
  app.post('/:phoneNumberId/messages', send);
  app.use((_req, res) => void res.status(404).json(graphError(100, 'Unknown path components').body));

  function controlRoutes() {
    const r = express.Router();
    r.get('/messages', (_req, res) => void res.json({ messages }));
    r.delete('/messages', (_req, res) => {
      messages.length = 0;
      res.json({ ok: true });
    });
    r.post('/errors', (req, res) => {
      const { code, to, times } = (req.body ?? {}) as Partial<ScriptedError>;
      if (typeof code !== 'number' || !isKnownGraphCode(code)) {
        res.status(400).json({ error: 'code must be a Graph error code the simulator knows (see src/simulators/whatsapp/graph-errors.ts)' });
        return;
      }
      sim.scriptError({ code, ...(typeof to === 'string' ? { to } : {}), ...(typeof times === 'number' ? { times } : {}) });
      res.json({ ok: true });
    });
    r.delete('/errors', (_req, res) => {
      scripted = [];
      res.json({ ok: true });
    });
    r.post('/faults', (req, res) => {
      faults.set((req.body ?? {}) as FaultConfig);
      res.json({ ok: true, faults: faults.current });
    });
    r.get('/stats', (_req, res) => void res.json({ faults: faults.stats, messages: messages.length, scripted: scripted.length }));
    return r;
  }

  const sim: WhatsAppSimulator = {
    app,
    faults,
    messages,
    templates,
    scriptError: (e) => void scripted.push({ code: e.code, times: e.times ?? 1, ...(e.to ? { to: e.to.replace(/^\+/, '') } : {}) }),
    reset() {
      messages.length = 0;
      scripted = [];
      faults.set({});
    },
  };
  return sim;
}

export interface RunningWhatsAppSimulator {
  readonly sim: WhatsAppSimulator;
  /** Base URL with a version segment, as WHATSAPP_API_BASE_URL takes it. */
  readonly baseUrl: string;
  close(): Promise<void>;
}

/** Listens on host:port (port 0: any free one). */
export async function startWhatsAppSimulator(opts: WhatsAppSimulatorOptions & { host?: string; port?: number; version?: string } = {}): Promise<RunningWhatsAppSimulator> {
  const sim = createWhatsAppSimulator(opts);
  const host = opts.host ?? '127.0.0.1';
  const server: Server = await new Promise((resolve, reject) => {
    const s = sim.app.listen(opts.port ?? 0, host, (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  const { port } = server.address() as AddressInfo;
  return {
    sim,
    baseUrl: `http://${host}:${port}/${opts.version ?? 'v21.0'}`,
    close: () =>
      new Promise<void>((resolve) => {
        sim.faults.releaseHanging();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// HTTP to iCarry and nothing else: the `&api_token=` URL, form bodies, session renewal, and turning
// iCarry's answers into either a JSON object or a classified CourierError.
import { CourierError } from '../common/errors';
import type { CourierHttp } from '../common/http';
import type { IcarrySession } from './auth';
import type { IcarryConfig } from './config';
import { encodeForm, type FormFields } from './form';
import { parseReplyJson, quoteLongAwbs } from './json';
import { codeForRejection, isIpRejection, isTokenRejection, rejectionOf } from './errors';

export type IcarryEndpoint =
  | 'api_add_shipment_surface'
  | 'api_add_shipment_air'
  | 'api_track_shipment'
  | 'api_shipment_status_sync'
  | 'api_cancel_shipment'
  | 'api_check_pincode';

export interface IcarryReply {
  body: Record<string, unknown>;
}

export class IcarryHttp {
  constructor(
    private readonly config: IcarryConfig,
    private readonly http: CourierHttp,
    private readonly session: IcarrySession,
    private readonly now: () => number,
  ) {}

  /**
   * POST one endpoint. A refused token (expired early, or invalidated server-side) costs one fresh
   * login and one retry; iCarry had not acted on the refused request, so the retry is safe even for
   * bookings.
   */
  async post(operation: string, endpoint: IcarryEndpoint, fields: FormFields): Promise<IcarryReply> {
    const body = encodeForm(fields);
    for (let attempt = 0; ; attempt++) {
      const token = await this.session.token();
      const started = this.now();
      const res = await this.http.send({
        operation,
        method: 'POST',
        // Literally "&api_token=" with no "?": an OpenCart route (IC-PDF).
        url: `${this.config.baseUrl}/${endpoint}&api_token=${encodeURIComponent(token)}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body,
      });

      if (res.status === 401 && attempt === 0) {
        this.session.invalidate(token);
        this.http.observe(operation, res.status, 'transient', started);
        continue;
      }
      if (res.status < 200 || res.status >= 300) {
        const err = this.http.errorForStatus(operation, res, snippet(res.text));
        this.http.observe(operation, res.status, err.kind, started);
        throw err;
      }

      const parsed = parseReplyJson(quoteLongAwbs(res.text));
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
        // A PHP fatal error or an HTML page: nothing to act on, and worth another try.
        this.http.observe(operation, res.status, 'transient', started);
        throw new CourierError('icarry', operation, 'transient', 'bad_response', `no JSON object in the reply: ${this.http.scrub(snippet(res.text))}`, {
          httpStatus: res.status,
        });
      }
      const reply = parsed as Record<string, unknown>;
      const rejection = rejectionOf(reply);
      if (!rejection) {
        this.http.observe(operation, res.status, 'ok', started);
        return { body: reply };
      }

      const message = this.http.scrub(rejection.text);
      if (isIpRejection(rejection)) {
        this.http.observe(operation, res.status, 'permanent', started);
        throw new CourierError('icarry', operation, 'permanent', 'auth_rejected', `iCarry refuses API calls from this server's IP address; add it to the allow-list in iCarry: ${message}`, {
          httpStatus: res.status,
          courierMessage: message,
        });
      }
      if (isTokenRejection(rejection)) {
        this.session.invalidate(token);
        this.http.observe(operation, res.status, attempt === 0 ? 'transient' : 'permanent', started);
        if (attempt === 0) continue;
        throw new CourierError('icarry', operation, 'permanent', 'auth_rejected', `iCarry refused a freshly issued session token: ${message}`, {
          httpStatus: res.status,
          courierMessage: message,
        });
      }
      this.http.observe(operation, res.status, 'permanent', started);
      throw new CourierError('icarry', operation, 'permanent', codeForRejection(rejection.text), message, { httpStatus: res.status, courierMessage: message });
    }
  }
}

function snippet(text: string): string {
  const flat = text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 300)}…` : flat;
}

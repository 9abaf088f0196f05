// Error answers in the Graph API's shape, for the codes the simulator produces (by validation or when a
// test scripts one). Titles and details follow Meta's error-code reference; the HTTP statuses are our
// assumption (Meta documents codes, and asks clients to branch on them, not on the status).

export interface GraphErrorAnswer {
  status: number;
  body: { error: { message: string; type: string; code: number; error_subcode?: number; error_data?: { messaging_product: 'whatsapp'; details: string }; fbtrace_id: string } };
}

const TITLES: Record<number, { status: number; title: string; type?: string }> = {
  1: { status: 500, title: 'API Unknown' },
  2: { status: 503, title: 'API Service' },
  4: { status: 429, title: 'Application request limit reached' },
  10: { status: 403, title: 'Application does not have permission for this action' },
  100: { status: 400, title: 'Invalid parameter' },
  104: { status: 400, title: 'An access token is required to request this resource', type: 'OAuthException' },
  190: { status: 401, title: 'Invalid OAuth access token - Cannot parse access token', type: 'OAuthException' },
  368: { status: 403, title: 'Temporarily blocked for policies violations' },
  80007: { status: 429, title: 'Rate limit issues' },
  130429: { status: 429, title: 'Rate limit hit' },
  131000: { status: 500, title: 'Something went wrong' },
  131016: { status: 503, title: 'Service unavailable' },
  131026: { status: 400, title: 'Message undeliverable' },
  131030: { status: 400, title: 'Recipient phone number not in allowed list' },
  131031: { status: 403, title: 'Business Account locked' },
  131042: { status: 400, title: 'Business eligibility payment issue' },
  131047: { status: 400, title: 'Re-engagement message' },
  131048: { status: 429, title: 'Spam rate limit hit' },
  131051: { status: 400, title: 'Unsupported message type' },
  131056: { status: 429, title: '(Business Account, Consumer Account) pair rate limit hit' },
  132000: { status: 400, title: 'Number of parameters does not match the expected number of params' },
  132001: { status: 404, title: 'Template name does not exist in the translation' },
  132015: { status: 400, title: 'Template is Paused' },
  132016: { status: 400, title: 'Template is Disabled' },
  133004: { status: 503, title: 'Server Temporarily Unavailable' },
};

let traces = 0;

/** The Graph error for `code`; `details` says what exactly was wrong, as Meta's error_data does. */
export function graphError(code: number, details?: string, extra: { message?: string; type?: string; subcode?: number; status?: number } = {}): GraphErrorAnswer {
  const known = TITLES[code];
  traces += 1;
  return {
    status: extra.status ?? known?.status ?? 400,
    body: {
      error: {
        message: extra.message ?? `(#${code}) ${known?.title ?? 'Error'}`,
        type: extra.type ?? known?.type ?? 'OAuthException',
        code,
        ...(extra.subcode !== undefined ? { error_subcode: extra.subcode } : {}),
        ...(details ? { error_data: { messaging_product: 'whatsapp' as const, details } } : {}),
        fbtrace_id: `Sim${traces.toString(36).padStart(8, '0')}`,
      },
    },
  };
}

export function isKnownGraphCode(code: number): boolean {
  return code in TITLES;
}

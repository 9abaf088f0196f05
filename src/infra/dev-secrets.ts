// Outside production, missing secrets are generated once and kept under DATA_DIR so a fresh clone runs
// with `npm start` alone, and values encrypted yesterday still decrypt today. Production requires them.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config';

function persisted(dataDir: string, name: string, make: () => string): string {
  const file = join(dataDir, name);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const value = make();
  writeFileSync(file, value + '\n', { mode: 0o600 });
  chmodSync(file, 0o600);
  return value;
}

/** The config with dev-only defaults filled in (never in production: loadConfig already refused that). */
export function withDevSecrets(c: Config): Config & { ADMIN_API_TOKENS: string[]; SECRETS_KEY: string } {
  if (c.NODE_ENV === 'production') return c as Config & { ADMIN_API_TOKENS: string[]; SECRETS_KEY: string };
  return {
    ...c,
    ADMIN_API_TOKENS: c.ADMIN_API_TOKENS?.length ? c.ADMIN_API_TOKENS : [persisted(c.DATA_DIR, 'dev-admin-token', () => `dev-${randomBytes(18).toString('base64url')}`)],
    SECRETS_KEY: c.SECRETS_KEY ?? persisted(c.DATA_DIR, 'dev-secrets.key', () => randomBytes(32).toString('base64')),
  };
}

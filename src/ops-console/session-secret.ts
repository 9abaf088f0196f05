// The key the ops console signs its session cookies with (OPS_SESSION_SECRET). Outside production a
// missing one is generated once under DATA_DIR, so sessions survive restarts of a developer's stack;
// production refuses to start without it rather than sign with something nobody chose.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, type Config } from '../config';

export const DEV_SESSION_SECRET_FILE = 'dev-ops-session.key';

export function opsSessionSecret(c: Pick<Config, 'NODE_ENV' | 'DATA_DIR' | 'OPS_SESSION_SECRET'>): string {
  if (c.OPS_SESSION_SECRET) return c.OPS_SESSION_SECRET;
  if (c.NODE_ENV === 'production') {
    throw new ConfigError('Invalid configuration:\n  OPS_SESSION_SECRET: required when NODE_ENV=production (the ops console signs its sessions with it)');
  }
  const file = join(c.DATA_DIR, DEV_SESSION_SECRET_FILE);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(c.DATA_DIR, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret + '\n', { mode: 0o600 });
  chmodSync(file, 0o600);
  return secret;
}

// docker-compose.yml must parse, run the services users expect, and wire exactly the variables the
// config loader reads (a variable added to config.ts and forgotten here fails this test).
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CONFIG_VARIABLES, loadConfig } from '../../src/config';

const file = resolve(__dirname, '../../docker-compose.yml');
const compose = parse(readFileSync(file, 'utf8'), { merge: true }) as {
  services: Record<string, { environment?: Record<string, string>; ports?: string[]; container_name?: string; command?: string[] }>;
};

describe('docker-compose.yml', () => {
  it('passes `docker-compose config` (Debian docker-compose, no engine needed)', () => {
    const probe = spawnSync('docker-compose', ['version', '--short']);
    if (probe.error) throw new Error("docker-compose is not installed: run 'npm run tools' (it installs Debian's docker-compose)");
    execFileSync('docker-compose', ['-f', file, 'config', '-q'], { stdio: 'pipe' });
  });

  it('runs Temporal on PostgreSQL, its UI, MongoDB 7, an SMTP catcher, the API and the worker', () => {
    expect(Object.keys(compose.services)).toEqual(
      expect.arrayContaining(['postgresql', 'temporal', 'temporal-ui', 'temporal-setup', 'mongodb', 'mailpit', 'simulators', 'api', 'worker']),
    );
    expect(compose.services.mongodb!).toMatchObject({ image: expect.stringMatching(/^mongo:7/) });
    expect(compose.services.temporal!.environment).toMatchObject({ DB: 'postgres12' });
  });

  it('keeps the worker scalable (no fixed name, no host ports)', () => {
    expect(compose.services.worker!.container_name).toBeUndefined();
    expect(compose.services.worker!.ports).toBeUndefined();
  });

  it.each(['api', 'worker'])('wires every config variable into %s, and nothing the loader does not read', (svc) => {
    const env = compose.services[svc]!.environment!;
    expect(Object.keys(env).sort()).toEqual([...CONFIG_VARIABLES].sort());
  });

  it.each(['api', 'worker'])('gives %s an environment the config loader accepts', (svc) => {
    const env = Object.fromEntries(
      Object.entries(compose.services[svc]!.environment!).map(([k, v]) => [k, String(v).replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1')]),
    );
    expect(() => loadConfig(env)).not.toThrow();
  });
});

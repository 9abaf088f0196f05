// Docs move with the code: every variable the config loader reads is in .env.example and in the
// README's configuration table, and neither lists a variable the loader does not read.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES } from '../../src/config';

const root = resolve(__dirname, '../..');

describe('configuration docs', () => {
  it('.env.example lists exactly the config variables', () => {
    const names = readFileSync(resolve(root, '.env.example'), 'utf8')
      .split('\n')
      .map((l) => /^([A-Z][A-Z0-9_]*)=/.exec(l)?.[1])
      .filter((n): n is string => !!n);
    expect([...names].sort()).toEqual([...CONFIG_VARIABLES].sort());
  });

  it("the README's configuration table lists exactly the config variables", () => {
    const readme = readFileSync(resolve(root, 'README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('## Configuration'));
    const names = [...table.matchAll(/^\| `([A-Z][A-Z0-9_]*)` \|/gm)].map((m) => m[1]!);
    expect([...names].sort()).toEqual([...CONFIG_VARIABLES].sort());
  });
});

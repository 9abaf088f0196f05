// FerretDB writes its state file (state.json) into its state dir, the working directory unless told:
// the launcher must point it at the data dir, so no run leaves state.json in the repository root.
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ferretDbArgs } from '../../src/infra/ferretdb';

describe('FerretDB launch arguments', () => {
  it('keep its state file beside the data, with telemetry off', () => {
    const args = ferretDbArgs({ dataDir: 'some/data', port: 27999 });
    expect(args).toContain(`--state-dir=${resolve('some/data')}`);
    expect(args).toContain(`--sqlite-url=file:${resolve('some/data')}/`);
    expect(args).toContain('--telemetry=disable');
    expect(args).toContain('--listen-addr=127.0.0.1:27999');
  });
});

// Replays every committed golden history (test/histories/*.json) against the current workflow code:
// a change that would break running shipments fails here. No server needed.
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';
import { readHistoryFile } from '../support/workflow-history-file';
import { quietLogger, workflowBundle } from '../support/workflow-env';

const DIR = resolve(__dirname, '../histories');
const files = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();

let bundle: WorkflowBundleWithSourceMap;
beforeAll(async () => {
  bundle = await workflowBundle();
});

describe('golden histories replay', () => {
  it('there are golden histories to replay', () => {
    expect(files.length).toBeGreaterThanOrEqual(8);
  });

  it.each(files)('%s replays without non-determinism', async (file) => {
    const history = readHistoryFile(join(DIR, file));
    await Worker.runReplayHistory({ workflowBundle: bundle }, history, file);
  });

  it('a workflow change that reorders commands is caught', async () => {
    const changed = await bundleWorkflowCode({ workflowsPath: resolve(__dirname, '../support/workflow-changed.ts'), logger: quietLogger });
    const history = readHistoryFile(join(DIR, 'happy-webhooks.json'));
    await expect(Worker.runReplayHistory({ workflowBundle: changed }, history, 'happy-webhooks')).rejects.toMatchObject({ name: 'DeterminismViolationError' });
  });
});

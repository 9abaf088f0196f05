// Replays every committed golden history (test/histories/*.json) against the current workflow code:
// a change that would break running shipments fails here. No server needed.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';
import { readHistoryFile } from '../support/workflow-history-file';
import { quietLogger, workflowBundle } from '../support/workflow-env';

const DIR = resolve(__dirname, '../histories');
const files = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();
const WORKFLOW_DIR = resolve(__dirname, '../../src/workflows/shipment');

/** The patch ids a golden history recorded (its core_patch markers). */
function patchIds(file: string): string[] {
  const history = JSON.parse(readFileSync(join(DIR, file), 'utf8')) as {
    events: Array<{ markerRecordedEventAttributes?: { markerName?: string; details?: Record<string, { payloads?: Array<{ data?: string }> }> } }>;
  };
  return history.events.flatMap((e) => {
    const m = e.markerRecordedEventAttributes;
    if (m?.markerName !== 'core_patch') return [];
    const data = m.details?.['patch-data']?.payloads?.[0]?.data;
    return data ? [(JSON.parse(Buffer.from(data, 'base64').toString()) as { id: string }).id] : [];
  });
}

let bundle: WorkflowBundleWithSourceMap;
beforeAll(async () => {
  bundle = await workflowBundle();
});

describe('golden histories replay', () => {
  it('there are golden histories to replay', () => {
    expect(files.length).toBeGreaterThanOrEqual(13);
  });

  it('every patched() branch of the workflow has a golden history that takes it', () => {
    const source = readdirSync(WORKFLOW_DIR).map((f) => readFileSync(join(WORKFLOW_DIR, f), 'utf8')).join('\n');
    const ids = [...source.matchAll(/\bpatched\('([^']+)'\)/g)].map((m) => m[1]!);
    expect(ids.length).toBeGreaterThanOrEqual(3);
    const recorded = new Set(files.flatMap(patchIds));
    expect(ids.filter((id) => !recorded.has(id))).toEqual([]);
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

// Lint rules that protect correctness, not style: workflow code must stay deterministic and
// sandbox-safe, and no promise may be left floating anywhere.
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.tools/**', '.data/**', 'coverage/**'] },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.base],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
    },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox: no Node built-ins, no I/O clients, no
    // activity/worker/client packages. Type-only imports are fine (they vanish at compile time).
    files: ['src/workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'Node built-ins are not available in workflow code; use an activity.' })),
          patterns: [
            {
              group: ['mongodb', 'undici', 'express', 'pino', 'nodemailer', 'prom-client', '@temporalio/client', '@temporalio/worker', '@temporalio/activity', '@temporalio/testing'],
              message: 'I/O and non-workflow Temporal packages must not be imported by workflow code; use an activity.',
              allowTypeImports: true,
            },
            {
              group: ['**/couriers/*/**', '**/couriers/common/**', '**/storage/*', '!**/storage/types', '**/activities/*', '**/api/**', '**/infra/**', '**/simulators/**'],
              message: 'Workflow code may only import pure modules (domain, contracts); reach I/O through activities.',
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
);

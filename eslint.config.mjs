// Lint rules that encode Genie's architecture (docs: docs/architecture.md "Layers"): layers point one way,
// workflow code stays deterministic, and no promise is dropped on the floor.
//
//   workflows/   deterministic Temporal workflow code: only @temporalio/workflow, JSONata and
//                the pure parts of src/ (the runbook language in src/dsl, pure helpers)
//   activities/  side effects, called by workflows through Temporal
//   src/         libraries, CLI, servers; never imports activities/ or workflows/ at run time,
//                except the named contracts and the composition root below
import tseslint from 'typescript-eslint';

const NODE_BUILTINS = [
  'assert',
  'async_hooks',
  'buffer',
  'child_process',
  'cluster',
  'crypto',
  'dgram',
  'dns',
  'events',
  'fs',
  'fs/promises',
  'http',
  'http2',
  'https',
  'inspector',
  'module',
  'net',
  'os',
  'path',
  'perf_hooks',
  'process',
  'readline',
  'stream',
  'timers',
  'tls',
  'tty',
  'url',
  'util',
  'v8',
  'vm',
  'worker_threads',
  'zlib',
];

/** Modules workflows may not import: Node built-ins (no I/O, no clock, no randomness). */
const workflowForbidden = [
  ...NODE_BUILTINS.map((name) => ({ name, message: 'workflow code must be deterministic: no Node built-ins (do I/O in an activity)' })),
  ...NODE_BUILTINS.map((name) => ({ name: `node:${name}`, message: 'workflow code must be deterministic: no Node built-ins (do I/O in an activity)' })),
];

/** workflows/ seen from outside: only the public contracts run outside the sandbox. */
const CLIENT_FORBIDDEN_WORKFLOWS = '^(\\.\\./)+workflows/(?!(api|breakers-api|search-attributes|alerts)$)';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-output/**', '.genie/**', 'bench/patroni/**'] },
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser, parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { '@typescript-eslint': tseslint.plugin },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // A dropped promise is an unhandled rejection waiting for 3 a.m.; `void` says it is meant.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: workflowForbidden,
          patterns: [
            { regex: '^(\\.\\./)+activities/', allowTypeImports: true, message: 'workflows call activities through proxyActivities; import their types only' },
            {
              group: ['@temporalio/client', '@temporalio/worker', '@temporalio/activity'],
              allowTypeImports: true,
              message: 'workflows may use @temporalio/workflow only',
            },
            // The rest of src/ does I/O or keeps process state.
            {
              regex: '^(\\.\\./)+src/(?!dsl/|secrets/provenance$|errors/genie-error$)',
              allowTypeImports: true,
              message:
                'workflows may import from src/ only the runbook language (src/dsl), src/secrets/provenance and src/errors/genie-error; types from anywhere',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    // Named exceptions. The composition root wires activities and workflows into a worker. The
    // CLI's offline `validate` (and its runbook reader) need the action catalog, which is built
    // from the actions' own schemas in activities/registry.ts.
    ignores: ['src/temporal/worker.ts', 'src/cli/runbook-source.ts', 'src/cli/commands/validate.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+activities/',
              allowTypeImports: true,
              message: 'src/ never imports activities/ at run time: move the shared piece down into src/',
            },
            // Clients may use the workflows' public contracts (names, queries, signals, updates,
            // search attributes); nothing else of workflows/ runs outside the sandbox.
            {
              regex: CLIENT_FORBIDDEN_WORKFLOWS,
              allowTypeImports: true,
              message: 'src/ imports from workflows/ only its public contracts (api, breakers-api, search-attributes, alerts)',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['activities/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [{ regex: CLIENT_FORBIDDEN_WORKFLOWS, allowTypeImports: true, message: 'activities import from workflows/ only its public contracts' }],
        },
      ],
    },
  },
  // The Node version preflight must parse on the old Node it turns away: ES2019 (Node 12).
  { files: ['bin/check-node.js'], languageOptions: { ecmaVersion: 2019, sourceType: 'commonjs' } },
);

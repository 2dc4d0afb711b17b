// The team's lint agreements (issue 13): promises are awaited or handed off on purpose,
// and each top-level folder imports only what docs/architecture.md's layout table says
// it may. `npm test` runs it; fix the code, not the rule.
import tseslint from 'typescript-eslint';

/** An import leaving the folder for one it may not use (docs/architecture.md, "Layout"). */
const forbid = (...folders) => ({ regex: `^(\\.\\./)+(${folders.join('|')})/`, message: 'docs/architecture.md, "Layout": this folder may not import that one' });

export default tseslint.config(
  { ignores: ['node_modules/**', 'test-artifacts/**', 'data/**', 'kiosk/public/**', 'bin/**', 'scripts/**', 'eslint.config.js'] },
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser, parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { '@typescript-eslint': tseslint.plugin },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
    },
  },
  { files: ['protocol/**/*.ts'], ignores: ['protocol/json-schema/generate.ts'], rules: { 'no-restricted-imports': ['error', { patterns: [forbid('hub', 'hardware', 'runtime', 'secretariat', 'firmware-bridge', 'kiosk', 'demo', 'bench', 'tests'), { group: ['node:*', '!node:crypto'], message: 'protocol/ is the wire contract: zod (and node:crypto for hashes and signatures) only' }] }] } },
  { files: ['runtime/**/*.ts'], rules: { 'no-restricted-imports': ['error', { patterns: [{ regex: '^\\.\\./', message: 'runtime/ is plumbing: node and its libraries only' }] }] } },
  { files: ['hardware/**/*.ts'], rules: { 'no-restricted-imports': ['error', { patterns: [forbid('hub', 'secretariat', 'firmware-bridge', 'kiosk', 'demo', 'bench', 'tests')] }] } },
  { files: ['hub/**/*.ts'], rules: { 'no-restricted-imports': ['error', { patterns: [forbid('secretariat', 'firmware-bridge', 'kiosk', 'demo', 'bench', 'tests')] }] } },
  {
    files: ['hub/store/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [forbid('secretariat', 'firmware-bridge', 'kiosk', 'demo', 'bench', 'tests'), { regex: '^(\\.\\./)+(ingest|queue|sync|devices|peripherals|http|broker|auth|cli|tls)/', message: 'docs/architecture.md: store/ knows no feature; register write operations from the feature instead' }] }] },
  },
  { files: ['secretariat/**/*.ts'], rules: { 'no-restricted-imports': ['error', { patterns: [forbid('hub', 'hardware', 'firmware-bridge', 'kiosk', 'demo', 'bench', 'tests')] }] } },
  { files: ['firmware-bridge/**/*.ts'], rules: { 'no-restricted-imports': ['error', { patterns: [forbid('hub', 'secretariat', 'kiosk', 'demo', 'bench', 'tests')] }] } },
);

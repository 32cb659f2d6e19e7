import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'dist/', '.dist-*/', 'web/dist/', 'coverage/', 'artifacts/', 'test-artifacts/', '.scratch/', 'test/fixtures/lint/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // A promise returned un-awaited inside try escapes its catch (digitalbazaar/vc once lost
      // "verify never throws" this way): always `return await` there.
      '@typescript-eslint/return-await': ['error', 'error-handling-correctness-only'],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  {
    // domain/ and vc/ are the pure layers (DESIGN.md): no storage, HTTP or framework imports.
    files: ['src/domain/**/*.ts', 'src/vc/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['**/store/**', '**/http/**', '**/services/**', '**/cli/**', '**/queue/**'], message: 'domain/ and vc/ must not import outer layers.' },
          { group: ['fastify', 'fastify/*', '@fastify/*', 'kysely', 'better-sqlite3', 'pg'], message: 'No framework or driver in domain/ or vc/.' },
        ],
      }],
    },
  },
);

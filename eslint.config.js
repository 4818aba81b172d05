// ESLint flat config: typescript-eslint's recommended rules (without type information: fast on small machines)
// and eslint-plugin-svelte's, with Prettier owning formatting.
import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'data/', '.bench/', 'test-results/', 'node_modules/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      // `_`-prefixed names say "deliberately unused" (rest siblings that drop a key, handler arguments).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
    },
  },
  {
    files: ['client/**/*.svelte.ts', 'client/**/*.svelte'],
    rules: {
      // Client state is `$state.raw` replaced whole (house style), so plain Map/Set/Date/URL are right there.
      'svelte/prefer-svelte-reactivity': 'off',
    },
  },
  {
    // Tests read JSON answers of any shape; Yjs's own types take `any` (`Y.AbstractType<any>`); a command
    // payload is validated by the command's own schema.
    files: ['tests/**', 'server/sync/update-guard.ts', 'server/meeting/meeting-gateway.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Sanitisers and the hostile texts that test them name control characters on purpose.
    files: ['server/**', 'shared/**', 'tests/**'],
    rules: { 'no-control-regex': 'off' },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] } },
  },
);

import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

export default tseslint.config(
  {
    ignores: [
      '.output/**',
      '.wxt/**',
      'node_modules/**',
      'bench/results.json',
      'web-ext-artifacts/**',
      // crm-plugins/build.ts bundles these from core/; the sources are linted.
      'crm-plugins/hubspot-card/src/app/cards/lib/loyalty-core.js',
      'crm-plugins/hubspot-card/src/app/functions/loyalty.js',
      'crm-plugins/salesforce-lwc/force-app/main/default/lwc/loyaltyCore/loyaltyCore.js',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    // Arrows point down: core/ is the ground floor the connectors, components and entrypoints stand on.
    files: ['core/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)(integrations|components|entrypoints)(/|$)',
              message: 'core/ imports nothing from integrations/, components/ or entrypoints/; move what both need into core/.',
            },
          ],
        },
      ],
    },
  },
  {
    // Lightning web components: JavaScript with decorators (@api, @wire), which the TypeScript parser reads.
    files: ['crm-plugins/salesforce-lwc/**/*.js'],
    languageOptions: {
      parser: tseslint.parser,
      sourceType: 'module',
      globals: { window: 'readonly', document: 'readonly', crypto: 'readonly', CustomEvent: 'readonly', setTimeout: 'readonly' },
    },
  },
  {
    // The component's jest tests and their Node-side helpers (CommonJS, as sfdx-lwc-jest loads them).
    files: ['crm-plugins/salesforce-lwc/**/__tests__/**/*.js', 'crm-plugins/salesforce-lwc/jest/**/*.js', 'crm-plugins/salesforce-lwc/jest.config.js'],
    languageOptions: {
      globals: {
        describe: 'readonly', it: 'readonly', expect: 'readonly', jest: 'readonly', beforeAll: 'readonly', afterAll: 'readonly',
        beforeEach: 'readonly', afterEach: 'readonly', require: 'readonly', module: 'writable', __dirname: 'readonly',
        process: 'readonly', Buffer: 'readonly', URL: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['sandbox/**', 'scripts/**', 'bench/**', 'test/**', 'crm-plugins/**/test/**', 'crm-plugins/**/__tests__/**', 'crm-plugins/test-support/**', 'crm-plugins/build.ts', 'crm-plugins/test.ts'],
    rules: { 'no-console': 'off' },
  },
);

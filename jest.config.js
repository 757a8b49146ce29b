// Jest runs the TypeScript sources through ts-jest (transpile only; `npm run lint` runs tsc, which checks types).
// execa 9 and its dependencies are ESM-only, which Jest's CommonJS loader cannot require on Node 20,
// so they are transformed too.
const esmOnly = [
  'execa',
  'npm-run-path',
  'path-key',
  'unicorn-magic',
  'strip-final-newline',
  'get-stream',
  'is-stream',
  'human-signals',
  'signal-exit',
  'figures',
  'is-unicode-supported',
  'yoctocolors',
  'pretty-ms',
  'parse-ms',
  'is-plain-obj',
  '@sindresorhus/merge-streams',
  '@sec-ant/readable-stream',
];

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.[tj]s$': [
      'ts-jest',
      {
        tsconfig: {
          allowJs: true,
          isolatedModules: true,
          module: 'commonjs',
          moduleResolution: 'node10',
          ignoreDeprecations: '6.0',
        },
        diagnostics: false,
      },
    ],
  },
  // unicorn-magic exports only an "import" condition, which Jest's resolver does not match.
  moduleNameMapper: { '^unicorn-magic$': '<rootDir>/node_modules/unicorn-magic/node.js' },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  globalSetup: '<rootDir>/__tests__/setup/global-setup.ts',
  globalTeardown: '<rootDir>/__tests__/setup/global-teardown.ts',
  testTimeout: 60_000,
  // One worker: tests share one local cluster and some inject faults into it (paused replay, stopped nodes).
  maxWorkers: 1,
};

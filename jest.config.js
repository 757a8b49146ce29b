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

const transform = {
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
};

/** What every project shares: ts-jest, execa's ESM dependencies transformed, and the node environment. */
const common = {
  testEnvironment: 'node',
  testMatch: ['**/*.test.ts'],
  transform,
  // unicorn-magic exports only an "import" condition, which Jest's resolver does not match.
  moduleNameMapper: { '^unicorn-magic$': '<rootDir>/node_modules/unicorn-magic/node.js' },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`, '/packages/rwsplit/dist/'],
};

/** The local cluster, started (or reused) once for the projects whose tests need it. */
const cluster = {
  globalSetup: '<rootDir>/__tests__/setup/global-setup.ts',
  globalTeardown: '<rootDir>/__tests__/setup/global-teardown.ts',
};

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 60_000,
  // One worker: tests share one local cluster and some inject faults into it (paused replay, stopped nodes).
  maxWorkers: 1,
  projects: [
    // The library's unit tests: no cluster, seconds (`npm run test:unit`).
    { ...common, displayName: 'rwsplit-unit', rootDir: __dirname, roots: ['<rootDir>/packages/rwsplit/test/unit'] },
    // The library's integration tests: its own fixture schema, on the real cluster; private and Patroni clusters come
    // from the cluster kit the global setup names (RWSPLIT_TEST_CLUSTER_KIT).
    {
      ...common,
      ...cluster,
      displayName: 'rwsplit-integration',
      rootDir: __dirname,
      roots: ['<rootDir>/packages/rwsplit/test/integration'],
    },
    // The application: the seed's demo, writer, cluster, benches, monitor, HA tooling and packaging.
    { ...common, ...cluster, displayName: 'app', rootDir: __dirname, roots: ['<rootDir>/__tests__'] },
  ],
};

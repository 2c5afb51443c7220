/** Jest runs the TypeScript sources as ESM (agenda 6 is ESM-only) against a real database. */
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
    // its ESM build imports JSON without an import attribute, which Jest warns about on every file
    '^libphonenumber-js$': '<rootDir>/node_modules/libphonenumber-js/index.cjs',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.json', diagnostics: false }],
  },
  globalSetup: '<rootDir>/test/global-setup.mjs',
  globalTeardown: '<rootDir>/test/global-teardown.mjs',
  testTimeout: 60_000,
  maxWorkers: 2,
  // Agenda 6 races every job run against a "still alive?" check that sleeps lockLifetime / 2
  // (5 minutes) in a timer nobody clears (JobProcessor's checkIfJobIsStillAlive), so a test file
  // that ran a job would keep its worker alive for 5 minutes after closing everything. The app's
  // own shutdown ends with process.exit for the same reason.
  forceExit: true,
};

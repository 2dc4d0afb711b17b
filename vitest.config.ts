import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Real brokers, sockets, child processes and SQLite files: forks isolate them.
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two cores: the e2e suites spawn hubs and load generators of their own.
    maxWorkers: 2,
  },
});

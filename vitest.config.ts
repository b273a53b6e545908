import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
    reporters: ['default', './tests/support/summary-reporter.ts'],
    testTimeout: 30_000,
    hookTimeout: 240_000,
    // e2e files build a Nuxt app each; two cores cannot run many of them at once.
    maxWorkers: 2,
  },
})

import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    // The JSON report feeds the closing line of .ci/run ('N passed, N failed').
    reporters: ['default', 'json'],
    outputFile: { json: 'coverage/vitest.json' },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'test/*.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // The real registries and skopeo share 2 cores; keep files in sequence.
          fileParallelism: false,
        },
      },
    ],
  },
})

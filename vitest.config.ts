import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // A guard against hangs, not a speed assertion: CLI tests spawn Node and load every rule set, and CI
    // machines may be busy. Speed is measured by `npm run bench`.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});

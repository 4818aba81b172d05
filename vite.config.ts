import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// One config for the client build (root: client/, output: dist/client) and for vitest (tests/).
export default defineConfig({
  root: 'client',
  plugins: [svelte({ configFile: false })],
  build: { outDir: '../dist/client', emptyOutDir: true, sourcemap: true },
  server: {
    // `vite` dev server: forward the API and both websockets to a running Meshboard server.
    proxy: {
      '/api': 'http://127.0.0.1:3000',
      '/yjs': { target: 'ws://127.0.0.1:3000', ws: true },
      '/socket.io': { target: 'ws://127.0.0.1:3000', ws: true },
    },
  },
  test: {
    root: '.',
    // A guard against a hung test, never a speed target (speed lives in `npm run bench`): browser walkthroughs
    // took over 30 s when the whole suite shared two cores with them.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Integration and e2e tests start real servers and browsers; two cores, so keep parallelism modest.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['tests/e2e/**/*.test.ts'],
          globalSetup: ['tests/helpers/global-setup.ts'],
        },
      },
      {
        // These files leave no state behind them (servers on port 0 in temp dirs, closed in their hooks), so a
        // worker runs them one after another in one module graph: loading the server's modules once per worker
        // instead of once per file cut this group's CPU time by two thirds.
        extends: true,
        test: {
          name: 'node',
          include: ['tests/unit/**/*.test.ts', 'tests/store/**/*.test.ts', 'tests/integration/**/*.test.ts'],
          globalSetup: ['tests/helpers/global-setup.ts'],
          isolate: false,
        },
      },
    ],
  },
});

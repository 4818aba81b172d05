/**
 * Builds the client once before the suite, so e2e tests exercise exactly what `npm start` serves. Each run
 * builds into its own directory (handed to tests with `inject('clientDir')`), so two test runs at once never
 * delete each other's build. MESHBOARD_SKIP_BUILD=1 reuses the last `npm run build` output in dist/client.
 *
 * It also starts one throwaway PostgreSQL server for the run (`inject('pgUrl')`, see postgres.ts): the store
 * contract suites and the multi-instance tests make their own databases in it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'vite';
import type { TestProject } from 'vitest/node';
import { startPostgres, type TestPostgres } from './postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    clientDir: string;
    pgUrl: string;
  }
}

/** One build per test run, whichever projects (browser, node) ask for it: both run their global setup here. */
const run = globalThis as {
  meshboardClientBuild?: { dir: Promise<string>; users: number };
  meshboardPostgres?: { server: Promise<TestPostgres>; users: number };
};

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const pg = (run.meshboardPostgres ??= { server: startPostgres(), users: 0 });
  pg.users++;
  project.provide('pgUrl', (await pg.server).url);
  const stopPostgres = async () => {
    if (--pg.users > 0) return;
    run.meshboardPostgres = undefined;
    await (await pg.server).destroy();
  };
  if (process.env.MESHBOARD_SKIP_BUILD === '1' || !fs.existsSync('client/index.html')) {
    project.provide('clientDir', path.resolve('dist/client'));
    return stopPostgres;
  }
  const shared = (run.meshboardClientBuild ??= { dir: buildClient(), users: 0 });
  shared.users++;
  const outDir = await shared.dir;
  project.provide('clientDir', outDir);
  return async () => {
    await stopPostgres();
    if (--shared.users > 0) return;
    run.meshboardClientBuild = undefined;
    fs.rmSync(outDir, { recursive: true, force: true });
  };
}

async function buildClient(): Promise<string> {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshboard-client-'));
  await build({ configFile: 'vite.config.ts', logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  return outDir;
}

/**
 * Builds the client once before the suite, so e2e tests exercise exactly what `npm start` serves. Each run
 * builds into its own directory (handed to tests with `inject('clientDir')`), so two test runs at once never
 * delete each other's build. MESHBOARD_SKIP_BUILD=1 reuses the last `npm run build` output in dist/client.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'vite';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    clientDir: string;
  }
}

/** One build per test run, whichever projects (browser, node) ask for it: both run their global setup here. */
const run = globalThis as { meshboardClientBuild?: { dir: Promise<string>; users: number } };

export default async function setup(project: TestProject): Promise<() => void> {
  if (process.env.MESHBOARD_SKIP_BUILD === '1' || !fs.existsSync('client/index.html')) {
    project.provide('clientDir', path.resolve('dist/client'));
    return () => {};
  }
  const shared = (run.meshboardClientBuild ??= { dir: buildClient(), users: 0 });
  shared.users++;
  const outDir = await shared.dir;
  project.provide('clientDir', outDir);
  return () => {
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

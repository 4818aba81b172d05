/**
 * Builds the client once before the suite, so e2e tests exercise exactly what `npm start` serves.
 * MESHBOARD_SKIP_BUILD=1 reuses the last build (handy while iterating on server tests).
 */
import fs from 'node:fs';
import { build } from 'vite';

export default async function setup(): Promise<void> {
  if (process.env.MESHBOARD_SKIP_BUILD === '1' || !fs.existsSync('client/index.html')) return;
  await build({ configFile: 'vite.config.ts', logLevel: 'warn' });
}

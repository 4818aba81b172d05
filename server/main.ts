/** Composition root: reads the environment and starts the server. */
import { configFromEnv } from './config.js';
import { createApp } from './app.js';
import { describeDatabaseUrl } from './store/pg-database.js';

let config;
try {
  config = configFromEnv();
} catch (err) {
  console.error((err as Error).message);
  process.exit(2);
}

let app;
try {
  app = await createApp(config);
} catch (err) {
  // PostgreSQL or Redis unreachable: one line naming where (never a password), not a stack.
  console.error(`Meshboard could not start: ${(err as Error).message}`);
  process.exit(1);
}
const { url } = await app.listen();
const where = config.databaseUrl ? `PostgreSQL at ${describeDatabaseUrl(config.databaseUrl)}` : config.dataDir;
app.log.info(`Meshboard is running: open ${url}  (data in ${where}${config.redisUrl ? ', several instances over Redis' : ''})`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(1); // a second Ctrl-C means now
    stopping = true;
    app.log.info(`${signal}: saving boards and stopping`);
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    app.close().then(
      () => process.exit(0),
      (err) => {
        app.log.error('shutdown failed', { err });
        process.exit(1);
      },
    );
  });
}

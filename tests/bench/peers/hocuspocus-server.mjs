// Hocuspocus 4.7.0 with its SQLite extension (stored at DATA_DIR/hocuspocus.sqlite), for the benchmark.
// Usage: PORT=1234 DATA_DIR=/tmp/x node tests/bench/peers/hocuspocus-server.mjs   (127.0.0.1 only)
// Defaults kept: onStoreDocument is debounced (2 s, at most 10 s), storing the whole document each time.
import path from 'node:path';
import { Server } from '@hocuspocus/server';
import { SQLite } from '@hocuspocus/extension-sqlite';

const port = Number(process.env.PORT ?? 1234);
const dataDir = process.env.DATA_DIR ?? '.';
const server = new Server({
  port,
  address: '127.0.0.1',
  quiet: true,
  stopOnSignals: false,
  extensions: [new SQLite({ database: path.join(dataDir, 'hocuspocus.sqlite') })],
});
await server.listen();
console.log(`ready ${port}`);
// Store pending documents before exiting, so a restart (cold-load scenario) finds them.
process.on('SIGTERM', () => void server.destroy().then(() => process.exit(0)));

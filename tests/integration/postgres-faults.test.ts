/**
 * PostgreSQL going away: at start the server says where it could not reach (never the password); later, edits
 * are refused as on a full disk, stay on the clients, and are stored once the database is back.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app.js';
import { createCard, readBoard } from '../../shared/board-schema.js';
import { freePort, freshDatabase, startPostgres, type TestPostgres } from '../helpers/postgres.js';
import { createBoard, startServer, tempDataDir, type TestServer } from '../helpers/server.js';
import { connect, synced, waitFor, type YClient } from '../helpers/yclient.js';

let pg: TestPostgres | null = null;
let server: TestServer | null = null;
const clients: YClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await server?.stop();
  server = null;
  await pg?.destroy();
  pg = null;
});

describe('PostgreSQL unreachable', () => {
  it('at start: the server does not start, and says which host it could not reach without printing the password', async () => {
    const port = await freePort();
    const start = createApp({
      port: 0,
      host: '127.0.0.1',
      dataDir: tempDataDir(),
      logLevel: 'silent',
      databaseUrl: `postgres://meshboard:s3cret-pw@127.0.0.1:${port}/boards`,
    });
    const err = await start.then(
      () => null,
      (e: Error) => e,
    );
    expect(err?.message).toContain(`cannot reach PostgreSQL at 127.0.0.1:${port}/boards`);
    expect(err?.message).not.toContain('s3cret-pw');
  });

  it('later: edits are refused while it is down, kept on the client, and stored when it is back', async () => {
    pg = await startPostgres();
    const databaseUrl = await freshDatabase(pg.url);
    server = await startServer({ config: { databaseUrl } });
    const board = await createBoard(server.url);
    const writer = connect(server.wsUrl, board);
    clients.push(writer);
    await synced(writer);
    createCard(writer.doc, { column: 'agenda', title: 'Before the outage' });
    await server.app.registry.persisted();

    await pg.stop();
    createCard(writer.doc, { column: 'agenda', title: 'Typed during the outage' });
    // Refused as on a full disk: the server closes the connection (try again later) rather than pretend.
    await waitFor(() => !writer.provider.wsconnected, 'the writer cut off while nothing can be stored', 20_000);
    expect(readBoard(writer.doc).columns.agenda.map((c) => c.title)).toContain('Typed during the outage');

    await pg.start();
    // The client reconnects by itself and sends what it kept; a newcomer then reads it from the server.
    await waitFor(() => writer.provider.synced && writer.provider.wsconnected, 'the writer back', 30_000);
    const reader = connect(server.wsUrl, board);
    clients.push(reader);
    await synced(reader);
    await waitFor(() => readBoard(reader.doc).columns.agenda.some((c) => c.title === 'Typed during the outage'), 'the kept edit stored and served', 20_000);
    expect(
      readBoard(reader.doc)
        .columns.agenda.map((c) => c.title)
        .sort(),
    ).toEqual(['Before the outage', 'Typed during the outage']);
  }, 90_000);
});

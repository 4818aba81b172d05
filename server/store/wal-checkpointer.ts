/**
 * Checkpoints the write-ahead log on a worker thread, with its own connection to the database file.
 *
 * SQLite's automatic checkpoint runs inside the commit that crosses its threshold: with `synchronous = NORMAL`
 * that commit copies ~1,000 pages into the database file and waits for two fsyncs, on the event loop. At 100
 * updates a second that stalled every relay in flight for several milliseconds every three seconds, which is
 * what set the fan-out p99 of small rooms. A PASSIVE checkpoint from another connection takes no lock a writer
 * needs, so commits go on meanwhile; the writer restarts the log from its beginning on its next commit once
 * everything in it is in the database file, exactly as after an automatic checkpoint.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

// Plain CommonJS evaluated by the worker, so it runs the same under tsx, vitest and plain Node. The writer
// restarts the log only when a checkpoint has copied every frame in it; commits made while one runs leave a few
// behind, so it goes again (a short pass: only those frames) until a pass finds nothing new, at most 10 times.
// `synchronous = NORMAL` syncs the log before copying and the database file after.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('synchronous = NORMAL');
parentPort.on('message', (message) => {
  if (message === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  let before = -1;
  for (let pass = 0; pass < 10; pass++) {
    const [{ log, checkpointed }] = db.pragma('wal_checkpoint(PASSIVE)');
    if (log === before && checkpointed === log) break;
    before = log;
  }
  parentPort.postMessage(before);
});
`;

const driver = createRequire(import.meta.url).resolve('better-sqlite3');

export class WalCheckpointer {
  #worker: Worker | null = null;
  #running = false;
  #failed = false;
  /** Frames in the log at the last pass of the last checkpoint: how long the log is, as SQLite counts it. */
  #frames = 0;

  /**
   * `file`: the database file (in WAL mode). `onFailure` is called once if the worker cannot start or a
   * checkpoint throws; the caller then lets SQLite checkpoint on its own again.
   */
  constructor(
    private readonly file: string,
    private readonly onFailure: () => void,
  ) {}

  /** Starts a checkpoint on the worker (starting the worker on first use) unless one is running. */
  request(): void {
    if (this.#running || this.#failed) return;
    this.#running = true;
    this.#worker ??= this.#start();
    this.#worker.postMessage('checkpoint');
  }

  /**
   * Frames in the log when the last checkpoint finished. It keeps growing only while writes never leave a
   * checkpoint a moment to find the log fully copied (see WORKER_SOURCE).
   */
  get frames(): number {
    return this.#frames;
  }

  /** The caller checkpointed on its own: the log restarts with its next commit. */
  restarted(): void {
    this.#frames = 0;
  }

  #start(): Worker {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file: this.file, driver } });
    // Idle between checkpoints; it must not keep the process alive.
    worker.unref();
    worker.on('message', (frames: unknown) => {
      this.#running = false;
      if (typeof frames === 'number') this.#frames = frames;
    });
    worker.on('error', () => this.#fail());
    return worker;
  }

  #fail(): void {
    if (this.#failed) return;
    this.#failed = true;
    this.#running = false;
    this.#worker = null;
    this.onFailure();
  }

  /** Waits for a running checkpoint and closes the worker's connection (before the main one closes). */
  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = null;
    this.#failed = true; // nothing starts after this
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage('close');
    await exited;
  }
}

import { z } from 'zod';

/** Server configuration, from environment variables (documented in README.md). */
export const ConfigSchema = z
  .object({
    /** TCP port; 0 picks a free one (tests). */
    port: z.coerce.number().int().min(0).max(65535).default(3000),
    host: z.string().min(1).default('0.0.0.0'),
    /** Where the SQLite database lives (unused for the stores when DATABASE_URL is set). */
    dataDir: z.string().min(1).default('./data'),
    /** PostgreSQL instead of the embedded SQLite file: every store lives in this database. */
    databaseUrl: z
      .string()
      .regex(/^postgres(ql)?:\/\/\S+$/, 'must be a postgres:// or postgresql:// URL')
      .optional(),
    /** Redis, which lets several instances serve the same boards (messages between them, shared limits). */
    redisUrl: z
      .string()
      .regex(/^rediss?:\/\/\S+$/, 'must be a redis:// or rediss:// URL')
      .optional(),
    /** Starts every key and channel this server uses in Redis, so one Redis can serve several deployments. */
    /**
     * With REDIS_URL: how long a lease on a board (or on the server-wide clock) lasts without renewal, ms. An
     * instance that dies hands its boards' once-only work and its meetings on after this long.
     */
    leaseMs: z.coerce.number().int().min(300).max(120_000).default(10_000),
    redisPrefix: z
      .string()
      .regex(/^[A-Za-z0-9:_.-]{1,64}$/, 'must be 1 to 64 letters, digits or : _ - .')
      .default('meshboard:'),
    /** Origin used in share links (e.g. `https://board.example.org`) when behind a proxy; else derived from the request. */
    publicUrl: z.url().optional(),
    /** Largest websocket frame or HTTP body accepted, in bytes. */
    maxMessageBytes: z.coerce
      .number()
      .int()
      .min(1024)
      .default(1024 * 1024),
    /** How long a board stays in memory after its last client leaves, in ms. */
    unloadGraceMs: z.coerce.number().int().min(0).default(30_000),
    /** Compact a board's update log into a snapshot once it holds this many entries. */
    compactEvery: z.coerce.number().int().min(1).default(500),
    /** Under load, updates are relayed at most this often (ms), several per write to each peer; 0 = every turn. */
    relayCoalesceMs: z.coerce.number().int().min(0).max(50).default(3),
    /** Websocket heartbeat interval in ms: a connection that misses one ping is dropped. */
    heartbeatMs: z.coerce.number().int().min(100).default(30_000),
    /** How long a client may take to send its request headers (HTTP and websocket handshakes), ms. */
    headersTimeoutMs: z.coerce.number().int().min(100).default(10_000),
    /** Directory of the built client (vite build output). */
    clientDir: z.string().min(1).default('dist/client'),
    /** How long a meeting waits for a dropped facilitator before passing the role on, ms. */
    facilitatorGraceMs: z.coerce.number().int().min(0).default(60_000),
    /** A board that changes gets an automatic version ("Autosave") this long after its first change since its last version, ms; 0 = never. */
    versionEveryMs: z.coerce.number().int().min(0).default(600_000),
    /** Least time between two automatic versions of a board made when agenda items are ticked done, ms (sooner ones wait). */
    autoVersionGapMs: z.coerce.number().int().min(0).default(60_000),
    /** When set, `GET /metrics` answers (Prometheus format) to `Authorization: Bearer <this>`; off without it. */
    metricsToken: z.string().min(16, 'must be at least 16 characters').optional(),
    /** When set, `POST /api/boards` needs `Authorization: Bearer <this>`: only those who know it create boards. */
    boardCreateToken: z.string().min(16, 'must be at least 16 characters').optional(),
    /**
     * Which proxies to trust for the client's address (express `trust proxy`): `false` (default, the socket's
     * peer is the client), `true`, a hop count, or comma-separated addresses/subnets. Limits per address use it.
     */
    trustProxy: z
      .union([z.boolean(), z.number().int().min(0), z.string().trim()])
      .transform((v): boolean | number | string =>
        typeof v !== 'string' ? v : v === 'true' ? true : v === 'false' || v === '' ? false : /^\d+$/.test(v) ? Number(v) : v,
      )
      .default(false),
    /** Boards one client address may create per hour (new, imported or copied). */
    boardsPerHour: z.coerce.number().int().min(1).default(60),
    /** Largest board import accepted, bytes. */
    maxImportBytes: z.coerce
      .number()
      .int()
      .min(1024)
      .default(16 * 1024 * 1024),
    /** Imports parsed at the same time; more are refused with 429 until one finishes (each takes a few times its size in memory). */
    importsAtOnce: z.coerce.number().int().min(1).default(2),
    /** Largest board document, bytes as stored (snapshot plus log). An update that would pass it is refused. */
    maxBoardBytes: z.coerce
      .number()
      .int()
      .min(64 * 1024)
      .default(32 * 1024 * 1024),
    /** Most Yjs items (structs) in one board document; each costs memory on every load, so tiny items are bounded too. */
    maxBoardItems: z.coerce.number().int().min(1000).default(300_000),
    /** Versions kept per board; past it the oldest automatic ones go, and saving by hand is refused when none are left to go. */
    versionsPerBoard: z.coerce.number().int().min(10).default(500),
    /** Total size of a board's versions, bytes; past it likewise. */
    versionBytesPerBoard: z.coerce
      .number()
      .int()
      .min(1024 * 1024)
      .default(256 * 1024 * 1024),
    /** Versions saved by hand per board per hour. */
    versionSavesPerHour: z.coerce.number().int().min(1).default(60),
    /** Summaries sent to a board's webhook per hour (by hand or at the end of a meeting). */
    summarySendsPerHour: z.coerce.number().int().min(1).default(10),
    /** Templates saved from one board per hour. */
    templateSavesPerHour: z.coerce.number().int().min(1).default(10),
    /** Drop-in submissions per hour from one address, and into one series from everyone. */
    dropinsPerHour: z.coerce.number().int().min(1).default(20),
    dropinsPerSeriesPerHour: z.coerce.number().int().min(1).default(200),
    /** Mail addresses given (or changed) per hour from one client address: each sends a confirmation mail. */
    emailAddressesPerHour: z.coerce.number().int().min(1).default(10),
    /** Calendar feed reads per hour from one client address (calendar apps poll about hourly per feed). */
    calendarReadsPerHour: z.coerce.number().int().min(1).default(600),
    /** Test events one series may send to its webhooks per hour (each is a request to an outside address). */
    webhookTestsPerHour: z.coerce.number().int().min(1).default(30),
    /** Hosts (names or addresses) webhooks may reach although they are private or loopback, comma-separated (internal chat servers). */
    webhookAllowHosts: z
      .union([z.string(), z.array(z.string())])
      .transform((v) => (Array.isArray(v) ? v : v.split(',')).map((h) => h.trim().toLowerCase()).filter(Boolean))
      .default([]),
    /** Most people in one meeting's roster (online or not); the longest-gone leave it first. */
    meetingMaxPeople: z.coerce.number().int().min(2).default(200),
    /**
     * Where mail goes out (`smtp://user:pass@host:587`, or `smtps://…:465` for TLS from the first byte); no mail is
     * sent without it. User and password are URL-encoded in it.
     */
    smtpUrl: z
      .url()
      .refine((u) => /^smtps?:$/.test(new URL(u).protocol), 'must be an smtp:// or smtps:// URL')
      .optional(),
    /** The sender of every mail, `Name <address>` or an address. Needed with SMTP_URL. */
    mailFrom: z.string().trim().min(3).max(320).optional(),
    /** Refuse to send over smtp:// unless the server offers STARTTLS (smtps:// is always TLS). */
    smtpRequireTls: z
      .union([z.boolean(), z.enum(['true', 'false'])])
      .transform((v) => v === true || v === 'true')
      .default(false),
    /** Check the SMTP server's TLS certificate (turn off only for a self-signed server on your own network). */
    smtpTlsRejectUnauthorized: z
      .union([z.boolean(), z.enum(['true', 'false'])])
      .transform((v) => v === true || v === 'true')
      .default(true),
    /** Delays between attempts to send a mail or webhook call, ms, comma-separated; their count is the retries. */
    outboxRetryMs: z
      .union([z.string(), z.array(z.number())])
      .transform((v) => (Array.isArray(v) ? v : v.split(',').map((x) => Number(x.trim()))))
      .pipe(
        z
          .array(
            z
              .number()
              .int()
              .min(0)
              .max(7 * 24 * 3_600_000),
          )
          .max(20),
      )
      .default([60_000, 300_000, 900_000, 3_600_000, 10_800_000, 21_600_000]),
    /** A request waits this long, ms, before its mail goes, so one being typed or changed is mailed once, as it ends up. */
    notifySettleMs: z.coerce.number().int().min(0).default(60_000),
    /** `silent` in tests; `info` otherwise. */
    logLevel: z.enum(['silent', 'error', 'info']).default('info'),
  })
  .refine((c) => !c.smtpUrl || c.mailFrom, { path: ['mailFrom'], message: 'is needed when SMTP_URL is set (the address mail is sent from)' });
export type Config = z.infer<typeof ConfigSchema>;
export type ConfigInput = z.input<typeof ConfigSchema>;

const ENV_NAMES: Record<keyof Config, string> = {
  port: 'PORT',
  host: 'HOST',
  dataDir: 'DATA_DIR',
  databaseUrl: 'DATABASE_URL',
  redisUrl: 'REDIS_URL',
  redisPrefix: 'REDIS_PREFIX',
  leaseMs: 'LEASE_MS',
  publicUrl: 'PUBLIC_URL',
  maxMessageBytes: 'MAX_MESSAGE_BYTES',
  unloadGraceMs: 'UNLOAD_GRACE_MS',
  compactEvery: 'COMPACT_EVERY',
  heartbeatMs: 'HEARTBEAT_MS',
  relayCoalesceMs: 'RELAY_COALESCE_MS',
  clientDir: 'CLIENT_DIR',
  headersTimeoutMs: 'HEADERS_TIMEOUT_MS',
  logLevel: 'LOG_LEVEL',
  boardCreateToken: 'BOARD_CREATE_TOKEN',
  metricsToken: 'METRICS_TOKEN',
  facilitatorGraceMs: 'FACILITATOR_GRACE_MS',
  versionEveryMs: 'VERSION_EVERY_MS',
  autoVersionGapMs: 'AUTO_VERSION_GAP_MS',
  trustProxy: 'TRUST_PROXY',
  boardsPerHour: 'BOARDS_PER_HOUR',
  maxImportBytes: 'MAX_IMPORT_BYTES',
  importsAtOnce: 'IMPORTS_AT_ONCE',
  maxBoardBytes: 'MAX_BOARD_BYTES',
  maxBoardItems: 'MAX_BOARD_ITEMS',
  versionsPerBoard: 'VERSIONS_PER_BOARD',
  versionSavesPerHour: 'VERSION_SAVES_PER_HOUR',
  versionBytesPerBoard: 'VERSION_BYTES_PER_BOARD',
  summarySendsPerHour: 'SUMMARY_SENDS_PER_HOUR',
  templateSavesPerHour: 'TEMPLATE_SAVES_PER_HOUR',
  dropinsPerHour: 'DROPINS_PER_HOUR',
  dropinsPerSeriesPerHour: 'DROPINS_PER_SERIES_PER_HOUR',
  emailAddressesPerHour: 'EMAIL_ADDRESSES_PER_HOUR',
  calendarReadsPerHour: 'CALENDAR_READS_PER_HOUR',
  webhookTestsPerHour: 'WEBHOOK_TESTS_PER_HOUR',
  webhookAllowHosts: 'WEBHOOK_ALLOW_HOSTS',
  meetingMaxPeople: 'MEETING_MAX_PEOPLE',
  smtpUrl: 'SMTP_URL',
  mailFrom: 'MAIL_FROM',
  smtpRequireTls: 'SMTP_REQUIRE_TLS',
  smtpTlsRejectUnauthorized: 'SMTP_TLS_REJECT_UNAUTHORIZED',
  outboxRetryMs: 'OUTBOX_RETRY_MS',
  notifySettleMs: 'NOTIFY_SETTLE_MS',
};

/** Reads the config from `env`; throws with every bad variable named. */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): Config {
  const raw: Record<string, string> = {};
  for (const [key, name] of Object.entries(ENV_NAMES)) {
    const v = env[name];
    if (v !== undefined && v !== '') raw[key] = v;
  }
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${ENV_NAMES[i.path[0] as keyof Config] ?? i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

export const parseConfig = (input: ConfigInput = {}): Config => ConfigSchema.parse(input);

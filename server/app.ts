/**
 * Builds a Meshboard server from its config: store → sync → events → HTTP, all on one HTTP server and port.
 * Returns it unstarted; `listen()` starts it. Tests build it on port 0 with a temporary data dir.
 */
import http from 'node:http';
import crypto from 'node:crypto';
import fs from 'node:fs';
import express from 'express';
import { Server as SocketServer, type Namespace } from 'socket.io';
import { parseConfig, type Config, type ConfigInput } from './config.js';
import { createLogger, type Logger } from './log.js';
import { openStores, type OpenedStores } from './store/open-stores.js';
import { AccessControl } from './auth/access.js';
import type { Role } from '../shared/roles.js';
import type { Store } from './store/store.js';
import { BoardRegistry } from './sync/board-registry.js';
import { SyncEndpoint } from './sync/ws-endpoint.js';
import { BoardService } from './boards/board-service.js';
import { attachBoardEvents } from './socket/board-events.js';
import { revokeWatchers } from './socket/board-watch.js';
import { limitDefaultNamespace } from './socket/limits.js';
import { apiRouter } from './http/api-routes.js';
import { errorHandler } from './http/errors.js';
import { staticClient } from './http/static-client.js';
import { requestLogger } from './http/request-log.js';
import { securityHeaders } from './http/security-headers.js';
import { openApiHandler } from './http/openapi.js';
import { CloseCode } from '../shared/errors.js';
import type { ClientToServerEvents, ServerToClientEvents } from '../shared/socket-events.js';
import type { MeetingStore } from './store/meeting-store.js';
import { MeetingService } from './meeting/meeting-service.js';
import { attachMeetingHandlers, disconnectBoard, disconnectRole, meetingNamespace, roomOutput } from './socket/meeting-handlers.js';
import { systemClock, type Clock } from './meeting/clock.js';
import { ActionService } from './actions/action-service.js';
import { MeetingSummaries } from './actions/meeting-summary.js';
import { attachActionEvents } from './socket/action-events.js';
import { attachSeriesEvents } from './socket/series-events.js';
import { actionRouter } from './http/action-routes.js';
import { AuditService } from './history/audit-service.js';
import { HistoryService } from './history/history-service.js';
import { historyRouter } from './http/history-routes.js';
import { TemplateService } from './templates/template-service.js';
import { templateRouter } from './http/template-routes.js';
import * as Y from 'yjs';
import { Limits } from './limits/limits.js';
import { SeatIssuer } from './meeting/seats.js';
import { SeriesService } from './series/series-service.js';
import { seriesRouter } from './http/series-routes.js';
import { PeopleService } from './series/people-service.js';
import { RequestAnswers } from './requests/request-answers.js';
import { attachNeedHandlers } from './socket/need-handlers.js';
import { DropinService } from './series/dropin-service.js';
import { seriesPeopleRouter } from './http/series-people-routes.js';
import { SeriesAsks } from './series/asks.js';
import { seriesAskRouter } from './http/series-ask-routes.js';
import { seriesReportRouter } from './http/series-report-routes.js';
import { Metrics } from './metrics/metrics.js';
import { metricsRoute } from './http/metrics-route.js';
import { Outbox, type Deliverer } from './outbox/outbox.js';
import type { OutboxChannel } from './store/outbox-store.js';
import { SeriesEvents } from './notify/events.js';
import { ReachTriggers } from './notify/triggers.js';
import { MailService } from './email/mail-service.js';
import { SmtpMailer, senderOf } from './email/mailer.js';
import { SignedLinks } from './email/signed-links.js';
import { emailRouter } from './http/email-routes.js';
import { CalendarFeeds } from './calendar/calendar-service.js';
import { calendarRouter } from './http/calendar-routes.js';
import { WebhookTargets } from './actions/webhook-targets.js';
import { WebhookDeliverer } from './webhooks/deliverer.js';
import { WebhookService } from './webhooks/webhook-service.js';
import { webhookRouter } from './http/webhook-routes.js';
import { RedisLink } from './scale/redis.js';
import { useRedisAdapter } from './scale/socket-adapter.js';
import { BoardBus } from './scale/board-bus.js';
import { BoardOwners } from './scale/board-owners.js';
import { Leases } from './scale/leases.js';
import { CLOCK_LEASE, ClockLease } from './scale/clock-lease.js';
import { MeetingHosts } from './scale/meeting-hosts.js';
import { Rpc } from './scale/rpc.js';
import { LocalMeetings, type MeetingGateway } from './meeting/meeting-gateway.js';

export interface MeshboardApp {
  readonly config: Config;
  readonly http: http.Server;
  readonly store: Store;
  readonly registry: BoardRegistry;
  readonly sync: SyncEndpoint;
  readonly meetings: MeetingService;
  readonly meetingStore: MeetingStore;
  /** Series and their meetings: opening the next one with what carries over, the clock-driven ends. */
  readonly series: SeriesService;
  /** Requests between series and escalated challenges. */
  readonly seriesAsks: SeriesAsks;
  /** Action items extracted from decisions and accepted requests. */
  readonly actions: ActionService;
  /** Summary, exports and webhook; the meeting module calls `summaries.sendMeetingSummary(boardId)` on meeting end. */
  readonly summaries: MeetingSummaries;
  /** Named versions; the meeting module calls `history.save(boardId, 'Meeting started')` and so on. */
  readonly history: HistoryService;
  /** The audit trail, recorded from every change the server receives. */
  readonly audit: AuditService;
  readonly log: Logger;
  /** Mails and webhook calls: stored first, then sent with retries (server/outbox/outbox.ts). */
  readonly outbox: Outbox;
  /** The series' events (meeting ended, action items, requests) that mail and webhooks follow. */
  readonly seriesEvents: SeriesEvents;
  /** Mail to the people of series, and the clock-driven events (reminders, digests, overdue items). */
  readonly reach: { mail: MailService; triggers: ReachTriggers; tick(): Promise<void> };
  /** Calendar feeds of series and people; `calendar.meeting(seriesId, seq, url)` is a meeting with its SEQUENCE for invitations. */
  readonly calendar: CalendarFeeds;
  /** Rate limits and quotas (per client address, per board). */
  readonly limits: Limits;
  /** This instance among several (REDIS_URL), or null when it runs alone. */
  readonly cluster: { instanceId: string; holdsClock(): boolean; owns(boardId: string): boolean } | null;
  /** The connection to Redis (REDIS_URL) that instances share, or null when this instance runs alone. */
  readonly redis: RedisLink | null;
  /** The express app of the page and the REST API (tests walk its routes). */
  readonly web: express.Express;
  /** Starts listening; resolves with the bound port and a URL to open. */
  listen(): Promise<{ port: number; url: string }>;
  /** Stops accepting, closes connections, stores and compacts every board, closes the store. */
  close(): Promise<void>;
}

const VERSION: string = JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;

/** Collaborators a test may replace; production uses the defaults. */
export interface AppDeps {
  /** The meeting's clock (timers, roster times). */
  clock?: Clock;
}

export async function createApp(input: ConfigInput | Config = {}, deps: AppDeps = {}): Promise<MeshboardApp> {
  const config = parseConfig(input);
  const log = createLogger(config.logLevel);
  // First: a Redis that cannot be reached stops the start before anything is opened.
  const redis = config.redisUrl ? await RedisLink.connect(config.redisUrl, config.redisPrefix, log) : null;
  let stores: OpenedStores;
  try {
    stores = await openStores(config, log);
  } catch (err) {
    // The start stops here (PostgreSQL unreachable, say): let go of Redis so the process can end.
    await redis?.close();
    throw err;
  }
  const store = stores.boards;
  // Metrics cost nothing unless they are turned on (METRICS_TOKEN).
  const metrics = config.metricsToken ? new Metrics() : null;
  // Several instances (REDIS_URL): a lease per board says which one does its once-only work.
  const instanceId = crypto.randomUUID();
  const leases = redis ? new Leases(redis.client, { prefix: redis.prefix, instanceId, ttlMs: config.leaseMs, log }) : null;
  const owners = leases ? new BoardOwners(leases) : undefined;
  // One subscribed connection carries the boards' channels, the calls between instances and the meetings' news.
  const sub = redis ? await redis.duplicate({ unawaited: true }) : null;
  const cluster =
    redis && leases && sub
      ? {
          rpc: await Rpc.start(redis.client, sub, { prefix: redis.prefix, instanceId, timeoutMs: 5_000, log }),
          leases,
          redis: redis.client,
          sub,
          prefix: redis.prefix,
          instanceId,
          leaseMs: config.leaseMs,
        }
      : null;
  const registry = new BoardRegistry(
    store,
    {
      unloadGraceMs: config.unloadGraceMs,
      compactEvery: config.compactEvery,
      coalesceMs: config.relayCoalesceMs,
      observer: metrics?.observer,
      ownership: owners,
    },
    log,
  );
  owners?.bind(registry);
  // With several instances, the holder of the clock's lease runs the clock-driven work and sends the outbox.
  const clockHolder = leases ? () => leases.holds(CLOCK_LEASE) : undefined;
  const tokens = stores.tokens;
  const seriesStore = stores.series;
  const access = new AccessControl(store, tokens, config.boardCreateToken, {
    seriesOf: async (boardId) => (await seriesStore.meetingOfBoard(boardId))?.seriesId ?? null,
    exists: async (seriesId) => (await seriesStore.get(seriesId)) !== null,
    resolve: (seriesId, token) => seriesStore.resolveToken(seriesId, token),
  });
  const sync = new SyncEndpoint(
    registry,
    access,
    { maxMessageBytes: config.maxMessageBytes, heartbeatMs: config.heartbeatMs, maxBoardBytes: config.maxBoardBytes, maxBoardItems: config.maxBoardItems },
    log,
  );
  const boards = new BoardService(store, registry, tokens);
  boards.onDeleted((id) => sync.closeBoard(id, CloseCode.BoardDeleted, 'board deleted'));
  const actionStore = stores.actions;
  const actions = new ActionService(actionStore, registry, log);
  // A request's answer is written in one place, whichever way it comes (the meeting, a personal link).
  const answers = new RequestAnswers(registry);
  const versionStore = stores.versions;
  const auditStore = stores.audit;
  const audit = new AuditService(auditStore, registry, log);
  const history = new HistoryService(versionStore, registry, audit, log, { autosaveMs: config.versionEveryMs, autoGapMs: config.autoVersionGapMs });
  const templates = new TemplateService(stores.templates, registry);
  const series = new SeriesService({
    clockHolder,
    store: seriesStore,
    boards,
    registry,
    templates,
    meetingStore: stores.meetings,
    actionStore,
    endMeeting: (boardId) => gateway.endNow(boardId),
    clock: deps.clock ?? systemClock,
    log,
  });
  // Requests and escalations from other series land on a series' meetings; answers go back to the asking one.
  const seriesAsks = new SeriesAsks({
    store: stores.asks,
    seriesStore,
    registry,
    access,
    meetingStore: stores.meetings,
    exclusive: (id, fn) => series.exclusive(id, fn),
    log,
  });
  series.contribute(seriesAsks);
  const hour = 3600;
  const limits = new Limits(
    {
      boardCreate: { points: config.boardsPerHour, durationSec: hour },
      versionSave: { points: config.versionSavesPerHour, durationSec: hour },
      summarySend: { points: config.summarySendsPerHour, durationSec: hour },
      templateSave: { points: config.templateSavesPerHour, durationSec: hour },
      dropinAddress: { points: config.dropinsPerHour, durationSec: hour },
      dropinSeries: { points: config.dropinsPerSeriesPerHour, durationSec: hour },
      emailAddress: { points: config.emailAddressesPerHour, durationSec: hour },
      calendarRead: { points: config.calendarReadsPerHour, durationSec: hour },
      webhookTest: { points: config.webhookTestsPerHour, durationSec: hour },
    },
    { redis, onRefused: metrics ? (name) => metrics.limitRefused(name) : undefined },
  );
  // Reaching people outside the meeting: each channel that is configured gets a deliverer.
  const deliverers: Partial<Record<OutboxChannel, Deliverer>> = {};
  const outbox = new Outbox(stores.outbox, deliverers, () => stores.durable(), log, {
    retryDelaysMs: config.outboxRetryMs,
    keepMs: 90 * 24 * 3_600_000,
    onAttempt: metrics ? (channel, outcome) => metrics.outboxAttempt(channel, outcome) : undefined,
    onAdded: () => clock?.added(),
  });
  // With several instances, one holds the clock: it runs the clock-driven work and sends the outbox.
  const clock = cluster ? new ClockLease({ leases: cluster.leases, pub: cluster.redis, sub: cluster.sub, prefix: cluster.prefix, outbox }) : null;
  const events = new SeriesEvents(log);
  const mailer = config.smtpUrl && config.mailFrom ? new SmtpMailer({ ...config, smtpUrl: config.smtpUrl, mailFrom: config.mailFrom }) : null;
  if (mailer) deliverers.email = mailer;
  // Links in mails need an origin: PUBLIC_URL, else the address the server listens on (set by listen()).
  let origin = config.publicUrl ?? `http://localhost:${config.port}`;
  const mail = new MailService({
    contacts: stores.contacts,
    outbox,
    links: new SignedLinks(await stores.secrets.secret('email-links')),
    seriesStore,
    seriesActions: (id) => series.actions(id),
    actionList: (boardId) => summaries.actionList(boardId),
    summary: (boardId) => summaries.summary(boardId),
    origin: () => origin,
    enabled: mailer !== null,
    settleMs: config.notifySettleMs,
    calendarMeeting: (seriesId, seq) => calendar.meeting(seriesId, seq, null),
    organizer: senderOf(config.mailFrom ?? 'meshboard@localhost'),
    now: () => (deps.clock ?? systemClock).now(),
    log,
  });
  events.on((event) => mail.onEvent(event));
  // Series webhooks: each event becomes one signed delivery per endpoint that wants it (server/webhooks/).
  const webhookTargets = new WebhookTargets(config.webhookAllowHosts);
  deliverers.webhook = new WebhookDeliverer(stores.webhooks, webhookTargets);
  const webhooks = new WebhookService({ store: stores.webhooks, outbox, targets: webhookTargets, baseUrl: () => origin });
  events.on(webhooks.onEvent);
  const summaries = new MeetingSummaries(actions, actionStore, registry, log, { limits, allowHosts: config.webhookAllowHosts });

  const web = express();
  web.disable('x-powered-by');
  // Limits per client address need the real client behind a reverse proxy (TRUST_PROXY).
  web.set('trust proxy', config.trustProxy);
  web.use(requestLogger(log));
  web.use(securityHeaders());
  const onLinkRotated = (boardId: string, role: Role) => {
    sync.closeRole(boardId, role, CloseCode.Forbidden, 'this link was replaced by a new one');
    void disconnectRole(nsp, boardId, role);
    revokeWatchers(io, boardId, role, 'this link was replaced by a new one');
    void seriesEvents.revoke(boardId, role).catch((err) => log.error('could not cut off the series watchers', { boardId, err }));
  };
  // A board's link is its series' link: replacing it replaces the role's link of every meeting of the series.
  const rotateLink = async (boardId: string, role: Role): Promise<string> => {
    const meeting = await seriesStore.meetingOfBoard(boardId);
    if (!meeting) return tokens.rotate(boardId, role);
    const token = await seriesStore.rotateToken(meeting.seriesId, role);
    for (const m of await seriesStore.meetings(meeting.seriesId)) if (m.boardId !== boardId) onLinkRotated(m.boardId, role);
    return token;
  };
  web.get('/api/openapi.json', openApiHandler(VERSION));
  // First: its import route takes bodies larger than the other routers' limit.
  web.use(
    '/api',
    historyRouter({
      history,
      auditStore,
      versions: versionStore,
      actions,
      boards,
      registry,
      access,
      publicUrl: config.publicUrl,
      maxBodyBytes: config.maxMessageBytes,
      maxImportBytes: config.maxImportBytes,
      importsAtOnce: config.importsAtOnce,
      limits,
      transfer: {
        store,
        boards,
        versions: versionStore,
        actions: actionStore,
        state: async (id) => registry.withBoard(id, (board) => Y.encodeStateAsUpdate(board.doc)),
        limits: { maxBytes: config.maxBoardBytes, maxItems: config.maxBoardItems },
      },
    }),
  );
  web.use('/api', actionRouter({ actions, summaries, access, maxBodyBytes: config.maxMessageBytes }));
  web.use('/api', templateRouter({ templates, access, maxBodyBytes: config.maxMessageBytes, limits }));
  web.use(
    '/api',
    seriesRouter({
      series,
      store: seriesStore,
      access,
      publicUrl: config.publicUrl,
      maxBodyBytes: config.maxMessageBytes,
      limits,
      onLinkRotated,
    }),
  );
  const people = new PeopleService({
    store: stores.people,
    seriesStore,
    series,
    registry,
    actions,
    answers,
    verifySeat: (boardId, seat) => seats.verify(boardId, seat),
    rosterEntry: (boardId, seatId) => gateway.rosterEntry(boardId, seatId),
  });
  // The links in mails open the person's page too, while the address they went to is still theirs.
  people.acceptLinks((id, token) => mail.personOfLink(id, token));
  const calendar = new CalendarFeeds({
    store: stores.calendar,
    secret: await stores.secrets.secret('calendar-feeds'),
    series,
    requests: (id) => people.latestRequests(id),
  });
  // Before apiRouter, whose catch-all answers 404.
  web.use(
    '/api',
    seriesPeopleRouter({
      people,
      dropin: new DropinService({ store: stores.people, seriesStore, registry }),
      seriesStore,
      access,
      publicUrl: config.publicUrl,
      maxBodyBytes: config.maxMessageBytes,
      limits,
    }),
  );
  web.use('/api', emailRouter({ mail, outbox, people, seriesStore, access, limits, maxBodyBytes: config.maxMessageBytes }));
  web.use(
    '/api',
    calendarRouter({
      feeds: calendar,
      access,
      seriesExists: async (id) => (await seriesStore.get(id)) !== null,
      resolvePerson: (id, token) => people.resolve(id, token),
      publicUrl: config.publicUrl,
      limits,
    }),
  );
  web.use('/api', seriesAskRouter({ asks: seriesAsks, access, maxBodyBytes: config.maxMessageBytes }));
  web.use('/api', webhookRouter({ webhooks, seriesStore, access, limits, maxBodyBytes: config.maxMessageBytes }));
  web.use('/api', seriesReportRouter({ store: seriesStore, registry, actionStore, auditStore, flushAudit: () => audit.flush(), access }));
  web.use(
    '/api',
    apiRouter({
      boards,
      registry,
      access,
      version: VERSION,
      publicUrl: config.publicUrl,
      maxBodyBytes: config.maxMessageBytes,
      onLinkRotated,
      rotateLink,
      templates,
      limits,
    }),
  );
  web.use(metricsRoute(metrics, config.metricsToken));
  web.use(staticClient(config.clientDir));
  web.use(errorHandler(log));

  // Bounded handshakes: a client that dribbles its request headers (slow loris) is cut off.
  const server = http.createServer(
    { headersTimeout: config.headersTimeoutMs, requestTimeout: 60_000, connectionsCheckingInterval: Math.min(config.headersTimeoutMs, 5_000) },
    web,
  );
  // destroyUpgrade: false — socket.io must leave the /yjs upgrades alone (it would kill them after 1 s).
  const io = new SocketServer<ClientToServerEvents, ServerToClientEvents>(server, {
    destroyUpgrade: false,
    maxHttpBufferSize: config.maxMessageBytes,
    serveClient: false,
    // Websocket only, as the client connects: HTTP long-polling would need every request of a session to reach
    // the same instance, which a load balancer without sticky sessions does not promise.
    transports: ['websocket'],
  });
  if (redis) await useRedisAdapter(io, redis);
  // First: the limits stand in front of every default-namespace event.
  limitDefaultNamespace(io, { burst: 10, perSecond: 5, strikes: 20 });
  metrics?.attach({
    wsConnections: () => sync.connectionCount,
    socketConnections: () => io.engine.clientsCount,
    boardsLoaded: () => registry.loadedCount,
    boardsOwned: () => [...registry.boards()].filter((b) => registry.owns(b.id)).length,
    clockHeld: () => clockHolder?.() ?? true,
    outboxPending: () => outbox.pendingByChannel(),
  });
  const boardEvents = attachBoardEvents(io, { registry, boards, store, access, log });
  attachActionEvents(io, { actions, access, log });
  const seriesEvents = attachSeriesEvents(io, { series, actions, access, log });

  const nsp = meetingNamespace(io);
  const meetingStore = stores.meetings;
  const meetings = new MeetingService({
    registry,
    store: meetingStore,
    clock: deps.clock ?? systemClock,
    log,
    facilitatorGraceMs: config.facilitatorGraceMs,
    maxPeople: config.meetingMaxPeople,
    // Attendees are the people who took a seat (issued by the server), never names read from presence.
    onAttended: (boardId, name) =>
      void actionStore.addAttendees(boardId, [name], Date.now()).catch((err) => log.error('could not store an attendee', { boardId, err })),
    output: (boardId) => roomOutput(nsp, boardId),
  });
  const seats = new SeatIssuer(await stores.secrets.secret('meeting-seats'));
  const localMeetings = new LocalMeetings(meetings);
  // With several instances, each board's meeting runs on the board's owner; the others forward to it.
  const gateway: MeetingGateway = cluster ? new MeetingHosts({ local: localMeetings, registry, ...cluster, log }) : localMeetings;
  attachMeetingHandlers(nsp, gateway, { access, seats, log, rateLimit: { burst: 30, perSecond: 15, strikes: 50 } });
  attachNeedHandlers(nsp as unknown as Namespace, { answers, log, rateLimit: { burst: 10, perSecond: 5, strikes: 30 } });
  // The summary goes out when a meeting ends; it retries on its own and never holds the meeting up.
  const saveVersion = (boardId: string, name: string) =>
    history.save(boardId, name).catch((err) => log.error('could not save the version', { boardId, name, err }));
  meetings.onStarted((boardId) => void saveVersion(boardId, 'Meeting started'));
  meetings.onEnded((boardId) => void saveVersion(boardId, 'Meeting ended').then(() => summaries.sendMeetingSummary(boardId)));
  boards.onDeleted((boardId) => {
    void disconnectBoard(nsp, boardId);
    void meetings.drop(boardId);
  });
  const logFailure = (what: string) => (err: unknown) => log.error(what, { err });
  meetings.onStarted((boardId) => void series.meetingStarted(boardId).catch(logFailure('could not record the meeting start')));
  const triggers = new ReachTriggers({
    clockHolder,
    events,
    seriesStore,
    overdueWatchers: () => stores.webhooks.seriesWanting('action_item.overdue'),
    onTick: () => mail.tick(),
    seriesActions: (id) => series.actions(id),
    actions,
    summaries,
    actionStore,
    registry,
    clock: deps.clock ?? systemClock,
    log,
  });
  // The series records who ended the meeting first; the event (and its mail and webhooks) follows.
  meetings.onEnded(
    (boardId) =>
      void series
        .meetingEnded(boardId)
        .then(() => triggers.meetingEnded(boardId))
        .catch(logFailure('could not record the meeting end')),
  );
  boards.onDeleted((boardId) => void series.boardDeleted(boardId).catch(logFailure('could not remove the meeting from its series')));
  boards.onCreated((board) => series.adoptBoard(board));
  series.onMeeting((change, meeting) => void mail.invitation(change, meeting).catch(logFailure('could not queue the invitations')));

  // Per-board extensions, in the order they run after each commit (see docs/architecture.md): peers hear of a
  // stored change first; then what is derived from it is written — action items, audit lines, versions — and
  // renames are announced. None of them runs before the change is stored.
  if (owners) registry.use(owners);
  // The other instances' changes arrive through the bus, as stored changes, and are relayed by `sync` below.
  const bus = redis
    ? new BoardBus({
        registry,
        pub: redis.client,
        sub: sub!,
        prefix: redis.prefix,
        instanceId,
        onDeleted: (boardId) => sync.closeBoard(boardId, CloseCode.BoardDeleted, 'board deleted'),
        log,
      })
    : null;
  if (bus) registry.use(bus);
  if (gateway instanceof MeetingHosts) registry.use(gateway);
  registry.use(sync);
  registry.use(actions);
  registry.use(audit);
  registry.use(history);
  registry.use(boardEvents);
  registry.use(seriesAsks);
  registry.use(triggers);

  server.on('upgrade', (req, socket, head) => {
    if (sync.handleUpgrade(req, socket, head)) return;
    if (req.url?.startsWith('/socket.io/')) return; // socket.io's own upgrade listener takes it
    socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
  });

  let closing: Promise<void> | null = null;
  return {
    config,
    http: server,
    store,
    registry,
    sync,
    meetings,
    meetingStore,
    series,
    seriesAsks,
    actions,
    summaries,
    history,
    audit,
    log,
    outbox,
    seriesEvents: events,
    reach: {
      mail,
      triggers,
      tick: () => triggers.tick(),
    },
    calendar,
    limits,
    cluster: clockHolder ? { instanceId, holdsClock: clockHolder, owns: (boardId) => registry.owns(boardId) } : null,
    redis,
    web,
    listen: async () => {
      // Interrupted openings are finished or undone before anyone can ask for a series.
      await series.start();
      if (clock) await clock.start();
      else outbox.start();
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, config.host, () => {
          server.off('error', reject);
          const addr = server.address();
          const port = typeof addr === 'object' && addr ? addr.port : config.port;
          const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
          origin = config.publicUrl?.replace(/\/$/, '') ?? `http://${host}:${port}`;
          triggers.start();
          if (mailer && !config.publicUrl) log.info(`mail: links in mails point to ${origin}; set PUBLIC_URL to the address people reach`);
          resolve({ port, url: config.publicUrl ?? `http://${host}:${port}` });
        });
      });
    },
    close: () =>
      (closing ??= (async () => {
        sync.close();
        io.close();
        await series.close();
        await meetings.close();
        triggers.close();
        await events.settled();
        await outbox.close();
        mailer?.close();
        server.closeAllConnections?.();
        await new Promise<void>((r) => server.close(() => r()));
        // The registry stores and compacts every board and detaches the extensions, which ends every wait for
        // a change to be stored; action runs in flight finish alongside; then the versions being written, and the
        // audit's last lines.
        await Promise.all([actions.close(), registry.close()]);
        await history.close();
        await audit.close();
        bus?.close();
        if (gateway instanceof MeetingHosts) gateway.close();
        cluster?.rpc.close();
        await leases?.close();
        await stores.close();
        await redis?.close();
      })()),
  };
}

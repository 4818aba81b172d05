/**
 * The server-authoritative meeting across instances: one meeting whoever is on which instance, and one that
 * outlives the instance that ran it (killed with SIGKILL, a real child process).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createCard, readBoard } from '../../shared/board-schema.js';
import { startChildServer, freePort, type ChildServer } from '../helpers/child-server.js';
import { startCluster, type TestCluster } from '../helpers/cluster.js';
import { joinMeeting, type MeetingClient } from '../helpers/meeting-client.js';
import { createBoard, type TestBoard } from '../helpers/server.js';
import { connect, synced, waitFor, type YClient } from '../helpers/yclient.js';

let cluster: TestCluster | null = null;
let child: ChildServer | null = null;
const meetingClients: MeetingClient[] = [];
const yclients: YClient[] = [];
afterEach(async () => {
  for (const c of meetingClients.splice(0)) c.close();
  for (const y of yclients.splice(0)) y.destroy();
  if (child && child.proc.exitCode === null && child.proc.signalCode === null) {
    child.proc.kill('SIGKILL');
    await child.exited;
  }
  child = null;
  await cluster?.stop();
  cluster = null;
});

const join = (url: string, board: TestBoard, role: 'facilitator' | 'participant', name: string, seat?: ReturnType<MeetingClient['seat']>) => {
  const c = joinMeeting(url, board, board.tokens[role], { name, seat });
  meetingClients.push(c);
  return c;
};
const ydoc = async (wsUrl: string, board: TestBoard) => {
  const y = connect(wsUrl, board);
  yclients.push(y);
  await synced(y);
  return y;
};
const online = (c: MeetingClient) =>
  (c.state()?.roster ?? [])
    .filter((r) => r.online)
    .map((r) => r.name)
    .sort();

describe('a meeting over several instances', () => {
  it('the facilitator on one instance and participants on two others run one meeting: phases, hands, votes and the timer', async () => {
    cluster = await startCluster(3);
    const [a, b, c] = cluster.servers;
    const board = await createBoard(a.url);
    const y = await ydoc(a.wsUrl, board);
    const item = createCard(y.doc, { column: 'agenda', title: 'Hiring', timebox: 5 });
    const challenge = createCard(y.doc, { column: 'challenges', problem: 'Invoices go out late' });

    const fay = join(a.url, board, 'facilitator', 'Fay');
    const pat = join(b.url, board, 'participant', 'Pat');
    const sam = join(c.url, board, 'participant', 'Sam');
    for (const m of [fay, pat, sam]) await m.until((s) => s.roster.filter((r) => r.online).length === 3, 'everyone present everywhere');

    expect((await fay.send('meeting:advance', { phase: 'agenda' })).ok).toBe(true);
    for (const m of [pat, sam]) await m.until((s) => s.phase === 'agenda' && s.currentAgendaId === item, 'on the first item');
    const started = await fay.send('timer:start');
    expect(started.ok).toBe(true);
    const endsAt = started.ok ? started.data.endsAt : null;
    for (const m of [pat, sam]) await m.until((s) => s.timer.endsAt === endsAt && s.timer.status === 'running', 'the same running timer');

    // A participant's command on C changes the one state everyone sees; a viewer's right is checked where it runs.
    expect((await sam.send('hand:raise')).ok).toBe(true);
    await fay.until((s) => s.roster.find((r) => r.name === 'Sam')?.handRaisedAt != null, 'Sam’s hand, seen on A');
    expect(await pat.send('vote:open', { dots: 2 })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect((await fay.send('vote:open', { dots: 2 })).ok).toBe(true);
    expect(await pat.send('vote:cast', { cardId: challenge, delta: 1 })).toMatchObject({ ok: true, data: { remaining: 1 } });
    expect(await sam.send('vote:cast', { cardId: challenge, delta: 1 })).toMatchObject({ ok: true, data: { remaining: 1 } });
    expect((await fay.send('vote:reveal')).ok).toBe(true);
    for (const m of [fay, pat, sam]) await m.until((s) => s.vote?.results?.find((r) => r.cardId === challenge)?.dots === 2, 'two dots for everyone');

    // The meeting ran on one instance only: the board's owner.
    expect(cluster.servers.filter((s) => s.app.registry.owns(board.id))).toHaveLength(1);

    pat.close();
    await fay.until((s) => !online({ state: () => s } as MeetingClient).includes('Pat'), 'Pat left, seen on A');
  });

  it('killing the instance that runs the meeting loses nothing: the clients go to another, and the timer and votes carry on', async () => {
    cluster = await startCluster(2, { config: { leaseMs: 900 } });
    const [b, c] = cluster.servers;
    // The victim is a real process, and the board's first user is on it: it owns the board and runs the meeting.
    const port = await freePort();
    child = await startChildServer(cluster.dataDir, port, {
      REDIS_URL: cluster.config.redisUrl!,
      REDIS_PREFIX: cluster.config.redisPrefix!,
      LEASE_MS: '900',
    });
    const board = await createBoard(child.url);
    const yk = await ydoc(child.wsUrl, board);
    const item = createCard(yk.doc, { column: 'agenda', title: 'Hiring', timebox: 5 });
    const challenge = createCard(yk.doc, { column: 'challenges', problem: 'Invoices go out late' });
    const fayOnVictim = join(child.url, board, 'facilitator', 'Fay');
    await fayOnVictim.until((s) => s.roster.length === 1, 'Fay seated');
    const yb = await ydoc(b.wsUrl, board);
    await waitFor(() => readBoard(yb.doc).columns.challenges.length === 1, 'B has the board');
    const pat = join(b.url, board, 'participant', 'Pat');
    const sam = join(c.url, board, 'participant', 'Sam');
    for (const m of [fayOnVictim, pat, sam]) await m.until((s) => s.roster.filter((r) => r.online).length === 3, 'all three present');
    expect(cluster.servers.some((s) => s.app.registry.owns(board.id))).toBe(false);

    expect((await fayOnVictim.send('meeting:advance', { phase: 'agenda' })).ok).toBe(true);
    const started = await fayOnVictim.send('timer:start');
    const endsAt = started.ok ? started.data.endsAt : -1;
    expect((await fayOnVictim.send('vote:open', { dots: 3 })).ok).toBe(true);
    expect((await pat.send('vote:cast', { cardId: challenge, delta: 1 })).ok).toBe(true);
    expect((await sam.send('vote:cast', { cardId: challenge, delta: 1 })).ok).toBe(true);
    await pat.until((s) => s.timer.status === 'running' && s.vote !== null, 'timer and vote seen on B');
    // An edit on the victim that B has seen (stored), and one made just before the kill (maybe never relayed).
    createCard(yk.doc, { column: 'agenda', title: 'Seen before the kill' });
    await waitFor(() => readBoard(yb.doc).columns.agenda.some((a) => a.title === 'Seen before the kill'), 'relayed to B');
    const faySeat = fayOnVictim.seat();
    createCard(yk.doc, { column: 'agenda', title: 'Typed as it died' });

    child.proc.kill('SIGKILL');
    await child.exited;
    // The clients of the dead instance come back through another one (a load balancer would send them there).
    const yAgain = await ydoc(c.wsUrl, board);
    const { default: Y } = await import('yjs').then((m) => ({ default: m }));
    Y.applyUpdate(yAgain.doc, Y.encodeStateAsUpdate(yk.doc)); // what the dead instance's client still holds
    const fay = join(c.url, board, 'facilitator', 'Fay', faySeat);

    // One survivor takes the meeting over, as it was stored: same phase, same timer, the ballots cast.
    await waitFor(() => cluster!.servers.some((s) => s.app.registry.owns(board.id)), 'a survivor owns the board');
    for (const m of [fay, pat, sam]) {
      await m.until(
        (s) => s.phase === 'agenda' && s.currentAgendaId === item && s.timer.status === 'running' && s.timer.endsAt === endsAt,
        'the same meeting and timer',
      );
    }
    expect((await fay.send('vote:reveal')).ok).toBe(true);
    for (const m of [fay, pat, sam]) await m.until((s) => s.vote?.results?.find((r) => r.cardId === challenge)?.dots === 2, 'both ballots counted');
    await sam.until((s) => online({ state: () => s } as MeetingClient).join() === 'Fay,Pat,Sam' && s.facilitatorId === faySeat.id, 'Fay back as herself');
    // Nothing any client saw is lost, nor what the dead instance's client had typed.
    for (const doc of [yb.doc, yAgain.doc]) {
      await waitFor(() => {
        const titles = readBoard(doc).columns.agenda.map((a) => a.title);
        return titles.includes('Seen before the kill') && titles.includes('Typed as it died');
      }, 'every edit on the survivors');
    }
  }, 90_000);
});

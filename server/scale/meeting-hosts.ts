/**
 * Meetings across instances: a board's meeting runs on the board's owner (the holder of its lease), as one
 * MeetingRoom; every other instance forwards its sockets' joins, commands and leaves to it (server/scale/rpc.ts),
 * and the room's broadcasts reach every socket through socket.io's Redis adapter.
 *
 * When the owner goes (stopped, killed, cut off from Redis), its lease lapses and an instance that holds the
 * board takes it over: it loads the meeting as last stored (after every change), announces itself, and every
 * instance seats its sockets again there. The timer runs on from its stored end time; votes and ballots are in
 * the stored state. The sockets of an instance that died are let go by the host once that instance's own lease
 * has lapsed, so they leave the roster as anyone who drops out does.
 */
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { ErrorCode, type ApiError } from '../../shared/errors.js';
import { Commands, type CommandName, type CommandResults, type MyVote } from '../../shared/meeting.js';
import type { Notice } from '../../shared/messages.js';
import type { Role } from '../../shared/roles.js';
import type { Logger } from '../log.js';
import { CommandError } from '../meeting/command-error.js';
import type { LocalMeetings, MeetingGateway, MeetingPerson } from '../meeting/meeting-gateway.js';
import type { BoardAttachment, BoardExtension, BoardRegistry, LoadedBoard } from '../sync/board-registry.js';
import type { Leases } from './leases.js';
import { RpcRemoteError, type Rpc } from './rpc.js';

export interface MeetingHostsDeps {
  local: LocalMeetings;
  registry: BoardRegistry;
  rpc: Rpc;
  leases: Leases;
  /** For reading who holds a lease, and for announcing a new host. */
  redis: Redis;
  /** A subscribed connection (shared with the board bus). */
  sub: Redis;
  prefix: string;
  instanceId: string;
  leaseMs: number;
  log: Logger;
}

/** Not the host (any more): the caller finds the host again and asks there. */
const NOT_HOST = 'not_host';

const Person = z.object({
  boardId: z.string(),
  role: z.enum(['viewer', 'participant', 'facilitator']),
  seat: z.object({ id: z.string(), key: z.string() }),
  name: z.string(),
  color: z.string(),
});
const Call = z.discriminatedUnion('op', [
  z.object({ op: z.literal('canSeat'), boardId: z.string(), seatId: z.string() }),
  z.object({ op: z.literal('join'), conn: z.string(), me: Person }),
  z.object({
    op: z.literal('command'),
    conn: z.string(),
    me: Person,
    name: z.enum(Object.keys(Commands) as [CommandName, ...CommandName[]]),
    payload: z.unknown(),
  }),
  z.object({ op: z.literal('leave'), conn: z.string(), me: Person }),
  z.object({ op: z.literal('endNow'), boardId: z.string() }),
  z.object({ op: z.literal('rosterEntry'), boardId: z.string(), seatId: z.string() }),
]);
type CallArgs = z.infer<typeof Call>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class MeetingHosts implements MeetingGateway, BoardExtension {
  readonly name = 'meeting-hosts';
  /** Connections on this instance in each board's meeting, wherever it runs (to seat them again on a new host). */
  readonly #mine = new Map<string, Map<string, MeetingPerson>>();
  /** A hold on each board while connections here are in its meeting: so this instance wants its lease. */
  readonly #holds = new Map<string, LoadedBoard>();
  /** On the host: connections from other instances, per board, with the instance each is on. */
  readonly #remote = new Map<string, Map<string, { instance: string; person: MeetingPerson }>>();
  readonly #hostChannel: string;
  readonly #sweep: NodeJS.Timeout;

  constructor(private readonly deps: MeetingHostsDeps) {
    this.#hostChannel = `${deps.prefix}meeting-host`;
    deps.rpc.handle('meeting', (args, from) => this.#serve(args, from));
    // This instance's own lease says it is alive; a host lets go of the sockets of an instance whose lease lapsed.
    deps.leases.want(this.#instanceLease(deps.instanceId));
    deps.sub.on('message', (channel: string, boardId: string) => {
      if (channel === this.#hostChannel && this.#mine.has(boardId) && !deps.registry.owns(boardId)) void this.#reseat(boardId);
    });
    void deps.sub.subscribe(this.#hostChannel).catch((err) => deps.log.error('meetings: could not subscribe', { err }));
    this.#sweep = setInterval(() => void this.#letGoOfTheDead(), deps.leaseMs);
    this.#sweep.unref();
  }

  // ---- as a registry extension: this instance takes a board's meeting over, or gives it up -------------------

  attach(board: LoadedBoard): BoardAttachment {
    return {
      ownerChanged: (owns) => void (owns ? this.#tookOver(board.id) : this.#gaveUp(board.id)),
      detach: () => {},
    };
  }

  async #tookOver(boardId: string): Promise<void> {
    // Everyone with a socket in this meeting seats it here now (those on this instance too).
    await this.deps.redis.publish(this.#hostChannel, boardId).catch(() => {});
    if (this.#mine.has(boardId)) await this.#reseat(boardId);
  }

  async #gaveUp(boardId: string): Promise<void> {
    this.#remote.delete(boardId);
    await this.deps.local.giveUp(boardId).catch((err) => this.deps.log.error('meetings: could not put a room away', { boardId, err }));
    if (this.#mine.has(boardId)) await this.#reseat(boardId);
  }

  // ---- the gateway ------------------------------------------------------------------------------------------

  async canSeat(boardId: string, seatId: string): Promise<boolean> {
    return (await this.#ask(boardId, { op: 'canSeat', boardId, seatId }, () => this.deps.local.canSeat(boardId, seatId))) as boolean;
  }

  async join(conn: string, me: MeetingPerson): Promise<{ vote: MyVote | null } | null> {
    if (!this.#holds.has(me.boardId)) {
      const board = await this.deps.registry.acquire(me.boardId);
      if (!board) return null;
      if (this.#holds.has(me.boardId)) this.deps.registry.release(board);
      else this.#holds.set(me.boardId, board);
    }
    let mine = this.#mine.get(me.boardId);
    if (!mine) this.#mine.set(me.boardId, (mine = new Map()));
    mine.set(conn, me);
    try {
      return (await this.#ask(me.boardId, { op: 'join', conn, me }, () => this.deps.local.join(conn, me))) as { vote: MyVote | null } | null;
    } catch (err) {
      this.#forget(conn, me.boardId);
      throw err;
    }
  }

  async command<N extends CommandName>(conn: string, me: MeetingPerson, name: N, payload: unknown): Promise<CommandResults[N]> {
    // Not retried after a lost answer: the command may have run.
    return (await this.#ask(
      me.boardId,
      { op: 'command', conn, me, name, payload },
      () => this.deps.local.command(conn, me, name, payload),
      false,
    )) as CommandResults[N];
  }

  async leave(conn: string, me: MeetingPerson): Promise<void> {
    this.#forget(conn, me.boardId);
    await this.#ask(me.boardId, { op: 'leave', conn, me }, () => this.deps.local.leave(conn, me)).catch(() => {
      // The host is gone; its successor never seated this connection.
    });
  }

  async endNow(boardId: string): Promise<boolean> {
    return (await this.#ask(boardId, { op: 'endNow', boardId }, () => this.deps.local.endNow(boardId), false)) as boolean;
  }

  async rosterEntry(boardId: string, seatId: string): Promise<{ name: string; role: Role } | null> {
    return (await this.#ask(boardId, { op: 'rosterEntry', boardId, seatId }, () => this.deps.local.rosterEntry(boardId, seatId))) as {
      name: string;
      role: Role;
    } | null;
  }

  close(): void {
    clearInterval(this.#sweep);
    for (const board of this.#holds.values()) this.deps.registry.release(board);
    this.#holds.clear();
  }

  #forget(conn: string, boardId: string): void {
    const mine = this.#mine.get(boardId);
    if (!mine?.delete(conn) || mine.size) return;
    this.#mine.delete(boardId);
    const board = this.#holds.get(boardId);
    this.#holds.delete(boardId);
    if (board) this.deps.registry.release(board);
  }

  /**
   * Runs `call` where the board's meeting runs: here (`here()`), or on the host. A host that says it is not the
   * host any more is looked for again; so is one that did not answer, when `retry` (the call is safe twice).
   */
  async #ask(boardId: string, call: CallArgs, here: () => Promise<unknown>, retry = true): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      const host = await this.#host(boardId);
      // No such board (deleted meanwhile): as the room itself would answer.
      if (host === null) {
        if (call.op === 'command') throw new CommandError(ErrorCode.NotFound, { reason: 'board_not_found' }, 'board not found');
        return call.op === 'canSeat' ? true : call.op === 'join' || call.op === 'rosterEntry' ? null : false;
      }
      if (host === this.deps.instanceId) return here();
      try {
        return await this.deps.rpc.call(host, 'meeting', call);
      } catch (err) {
        if (err instanceof RpcRemoteError) {
          const body = err.body as (Partial<ApiError> & { host?: string }) | null;
          if (body?.host === NOT_HOST && attempt < 3) continue;
          if (body && typeof body.code === 'string' && typeof body.message === 'string')
            throw new CommandError(body.code, { reason: body.reason, params: body.params } as Notice, body.message);
        } else if (retry && attempt < 1) continue;
        throw new CommandError(ErrorCode.Internal, { reason: 'server_failed' }, 'the server running this meeting did not answer; try again');
      }
    }
  }

  /** The instance running the board's meeting: its owner, found in Redis (this one when it owns the board). */
  async #host(boardId: string): Promise<string | null> {
    const { registry, redis, prefix, instanceId, leaseMs } = this.deps;
    const board = await registry.acquire(boardId);
    if (!board) return null;
    try {
      // Three lease times: long enough for a dead owner's lease to lapse and a survivor to take the board.
      const deadline = Date.now() + 3 * leaseMs;
      for (;;) {
        if (registry.owns(boardId)) return instanceId;
        const holder = await redis.get(`${prefix}lease:board:${boardId}`).catch(() => null);
        if (holder && holder !== instanceId) return holder;
        if (Date.now() > deadline) throw new CommandError(ErrorCode.Internal, { reason: 'server_failed' }, 'no server runs this meeting right now; try again');
        await sleep(25);
      }
    } finally {
      registry.release(board);
    }
  }

  /** Seats this instance's connections in the board's meeting again, wherever it runs now. */
  async #reseat(boardId: string): Promise<void> {
    for (const [conn, me] of this.#mine.get(boardId) ?? []) {
      await this.#ask(boardId, { op: 'join', conn, me }, () => this.deps.local.join(conn, me)).catch((err) =>
        this.deps.log.error('meetings: could not seat a connection on the new host', { boardId, err }),
      );
    }
  }

  /** A call from another instance, run here if this instance is the board's host. */
  async #serve(raw: unknown, from: string): Promise<unknown> {
    const call = Call.parse(raw);
    const boardId = 'boardId' in call ? call.boardId : call.me.boardId;
    if (!this.deps.registry.owns(boardId)) throw new RpcRemoteError({ host: NOT_HOST });
    const { local } = this.deps;
    try {
      switch (call.op) {
        case 'canSeat':
          return await local.canSeat(call.boardId, call.seatId);
        case 'join': {
          const joined = await local.join(call.conn, call.me);
          let remote = this.#remote.get(boardId);
          if (!remote) this.#remote.set(boardId, (remote = new Map()));
          remote.set(call.conn, { instance: from, person: call.me });
          return joined;
        }
        case 'command':
          return await local.command(call.conn, call.me, call.name, call.payload);
        case 'leave':
          this.#remote.get(boardId)?.delete(call.conn);
          await local.leave(call.conn, call.me);
          return null;
        case 'endNow':
          return await local.endNow(call.boardId);
        case 'rosterEntry':
          return await local.rosterEntry(call.boardId, call.seatId);
      }
    } catch (err) {
      if (err instanceof CommandError) throw new RpcRemoteError(err.error);
      throw err;
    }
  }

  /** Lets go of the connections of instances whose own lease has lapsed (killed, or cut off from Redis). */
  async #letGoOfTheDead(): Promise<void> {
    const instances = new Set<string>();
    for (const conns of this.#remote.values()) for (const c of conns.values()) instances.add(c.instance);
    if (!instances.size) return;
    const dead = new Set<string>();
    for (const id of instances) {
      const alive = await this.deps.redis.exists(`${this.deps.prefix}lease:${this.#instanceLease(id)}`).catch(() => 1);
      if (!alive) dead.add(id);
    }
    for (const conns of this.#remote.values()) {
      for (const [conn, c] of conns) {
        if (!dead.has(c.instance)) continue;
        conns.delete(conn);
        await this.deps.local.leave(conn, c.person).catch(() => {});
      }
    }
  }

  #instanceLease(id: string): string {
    return `instance:${id}`;
  }
}

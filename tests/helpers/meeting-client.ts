/** Real socket.io clients of the `/meeting` namespace, with typed commands and state tracking. */
import { io as ioClient, type Socket } from 'socket.io-client';
import type { CommandName, CommandPayload, CommandResults, MeetingClientEvents, MeetingServerEvents, MeetingState, Seat } from '../../shared/meeting.js';
import type { Ack } from '../../shared/socket-events.js';
import { waitFor } from './yclient.js';

export interface MeetingClient {
  socket: Socket<MeetingServerEvents, MeetingClientEvents>;
  /** The seat id the server issued (throws before it arrived: wait with `until` first). */
  readonly id: string;
  /** The seat the server issued, key included (to come back as the same person). */
  seat(): Seat;
  /** The latest `meeting:state` received. */
  state: () => MeetingState | null;
  send<N extends CommandName>(name: N, payload?: CommandPayload<N>): Promise<Ack<CommandResults[N]>>;
  /** Resolves with the first state (already received or coming) that satisfies `pred`. */
  until(pred: (s: MeetingState) => boolean, what: string): Promise<MeetingState>;
  close(): void;
}

export function joinMeeting(url: string, board: { id: string }, token: string, who: { name: string; color?: string; seat?: Seat }): MeetingClient {
  const socket: Socket<MeetingServerEvents, MeetingClientEvents> = ioClient(`${url}/meeting`, {
    transports: ['websocket'],
    reconnection: false,
    auth: { boardId: board.id, token, ...(who.seat ? { seat: who.seat } : {}), name: who.name, color: who.color ?? '#175cd3' },
  });
  let latest: MeetingState | null = null;
  let seat: Seat | null = null;
  socket.on('meeting:seat', (s) => (seat = s));
  socket.on('meeting:state', (s) => (latest = s));
  const mySeat = (): Seat => {
    if (!seat) throw new Error('no seat yet: wait for the first state');
    return seat;
  };
  return {
    socket,
    get id() {
      return mySeat().id;
    },
    seat: mySeat,
    state: () => latest,
    send: (name, payload) => new Promise((resolve) => (socket.emit as (...a: unknown[]) => void)(name, payload ?? {}, resolve)),
    async until(pred, what) {
      await waitFor(() => latest !== null && pred(latest), what);
      return latest!;
    },
    close: () => void socket.disconnect(),
  };
}

/** Resolves with the `connect_error` data of a refused join. */
export function refusedJoin(c: MeetingClient): Promise<{ code: string; message: string }> {
  return new Promise((resolve) => c.socket.once('connect_error', (err: Error & { data?: { code: string; message: string } }) => resolve(err.data!)));
}

/** Real socket.io clients of the `/meeting` namespace, with typed commands and state tracking. */
import { io as ioClient, type Socket } from 'socket.io-client';
import type { CommandName, CommandPayload, CommandResults, MeetingClientEvents, MeetingServerEvents, MeetingState } from '../../shared/meeting.js';
import type { Ack } from '../../shared/socket-events.js';
import { randomId } from '../../shared/ids.js';
import { waitFor } from './yclient.js';

export interface MeetingClient {
  socket: Socket<MeetingServerEvents, MeetingClientEvents>;
  id: string;
  /** The latest `meeting:state` received. */
  state: () => MeetingState | null;
  send<N extends CommandName>(name: N, payload?: CommandPayload<N>): Promise<Ack<CommandResults[N]>>;
  /** Resolves with the first state (already received or coming) that satisfies `pred`. */
  until(pred: (s: MeetingState) => boolean, what: string): Promise<MeetingState>;
  close(): void;
}

export function joinMeeting(
  url: string,
  board: { id: string },
  token: string,
  who: { name: string; color?: string; participantId?: string },
): MeetingClient {
  const id = who.participantId ?? randomId(12);
  const socket: Socket<MeetingServerEvents, MeetingClientEvents> = ioClient(`${url}/meeting`, {
    transports: ['websocket'],
    reconnection: false,
    auth: { boardId: board.id, token, participantId: id, name: who.name, color: who.color ?? '#175cd3' },
  });
  let latest: MeetingState | null = null;
  socket.on('meeting:state', (s) => (latest = s));
  return {
    socket,
    id,
    state: () => latest,
    send: (name, payload) =>
      new Promise((resolve) => (socket.emit as (...a: unknown[]) => void)(name, payload ?? {}, resolve)),
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

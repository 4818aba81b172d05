/**
 * socket.io across instances: every namespace's rooms and broadcasts go through Redis (the classic pub/sub
 * `@socket.io/redis-adapter`), so an emit to a board's room on one instance reaches that room's sockets on
 * every instance, and `fetchSockets()` sees them all. Channels are named `<prefix>socket.io#<namespace>#…`.
 *
 * Pub/sub keeps nothing: a broadcast sent while Redis is away may reach only this instance's own sockets.
 */
import type { Server } from 'socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import type { RedisLink } from './redis.js';

/** Sets the adapter on `io`; its two connections are the link's and close with it (after `io.close()`). */
export async function useRedisAdapter(io: Server, link: RedisLink): Promise<void> {
  const [pub, sub] = await Promise.all([link.duplicate({ unawaited: true }), link.duplicate({ unawaited: true })]);
  io.adapter(createAdapter(pub, sub, { key: `${link.prefix}socket.io` }));
}

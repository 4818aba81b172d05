/**
 * Requests from one instance to another over Redis: each instance listens on its own channel, and a call
 * names the instance it is for (the holder of a board's lease, found in Redis). Calls carry JSON; an answer
 * comes back on the caller's channel, or the call fails after `timeoutMs` (the callee died or Redis is away).
 * A call that times out may still have run there: callers only retry what is safe to run twice.
 */
import crypto from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { Logger } from '../log.js';

export type RpcHandler = (args: unknown, from: string) => Promise<unknown>;

/** An error the callee meant to send (e.g. a refused meeting command): it travels with its JSON body. */
export class RpcRemoteError extends Error {
  override readonly name = 'RpcRemoteError';
  constructor(readonly body: unknown) {
    super('the instance that was called refused');
  }
}

const Message = z.union([
  z.object({ t: z.literal('call'), id: z.string(), from: z.string(), method: z.string(), args: z.unknown() }),
  z.object({ t: z.literal('reply'), id: z.string(), ok: z.boolean(), value: z.unknown() }),
]);

export class Rpc {
  readonly #handlers = new Map<string, RpcHandler>();
  readonly #waiting = new Map<string, { resolve(v: unknown): void; reject(e: Error): void; timer: NodeJS.Timeout }>();

  private constructor(
    private readonly pub: Redis,
    private readonly opts: { prefix: string; instanceId: string; timeoutMs: number; log: Logger },
  ) {}

  /** Listens on this instance's channel (on `sub`, a connection of its own). */
  static async start(pub: Redis, sub: Redis, opts: { prefix: string; instanceId: string; timeoutMs: number; log: Logger }): Promise<Rpc> {
    const rpc = new Rpc(pub, opts);
    const channel = rpc.#channel(opts.instanceId);
    sub.on('message', (ch: string, raw: string) => {
      if (ch === channel) rpc.#receive(raw);
    });
    await sub.subscribe(channel);
    return rpc;
  }

  handle(method: string, fn: RpcHandler): void {
    this.#handlers.set(method, fn);
  }

  call(instanceId: string, method: string, args: unknown): Promise<unknown> {
    const id = crypto.randomUUID();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(id);
        reject(new Error(`no answer from instance ${instanceId} to ${method}`));
      }, this.opts.timeoutMs);
      this.#waiting.set(id, { resolve, reject, timer });
      const message = JSON.stringify({ t: 'call', id, from: this.opts.instanceId, method, args });
      this.pub.publish(this.#channel(instanceId), message).catch((err: Error) => {
        clearTimeout(timer);
        this.#waiting.delete(id);
        reject(err);
      });
    });
  }

  close(): void {
    for (const [id, w] of this.#waiting) {
      clearTimeout(w.timer);
      w.reject(new Error('stopping'));
      this.#waiting.delete(id);
    }
  }

  #channel(instanceId: string): string {
    return `${this.opts.prefix}rpc:${instanceId}`;
  }

  #receive(raw: string): void {
    let parsed: z.infer<typeof Message>;
    try {
      parsed = Message.parse(JSON.parse(raw));
    } catch {
      return; // only our instances write here
    }
    if (parsed.t === 'reply') {
      const w = this.#waiting.get(parsed.id);
      if (!w) return;
      this.#waiting.delete(parsed.id);
      clearTimeout(w.timer);
      if (parsed.ok) w.resolve(parsed.value);
      else w.reject(new RpcRemoteError(parsed.value));
      return;
    }
    const { id, from, method, args } = parsed;
    const handler = this.#handlers.get(method);
    const answer = (ok: boolean, value: unknown) =>
      void this.pub.publish(this.#channel(from), JSON.stringify({ t: 'reply', id, ok, value: value ?? null })).catch(() => {});
    if (!handler) return answer(false, { message: `no such method ${method}` });
    handler(args, from).then(
      (value) => answer(true, value),
      (err: unknown) => {
        if (err instanceof RpcRemoteError) return answer(false, err.body);
        this.opts.log.error('rpc: a call failed', { method, err });
        answer(false, { message: 'failed on the instance that was called' });
      },
    );
  }
}

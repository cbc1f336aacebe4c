/**
 * The push cluster: with `push.redis.url` set, cuttle processes (as behind a load balancer) share
 * broadcasts through the socket.io redis adapter. Each process's hub publishes what it broadcasts
 * (events, plugin messages, slicing progress) with `serverSideEmit`; the others hand it to their own
 * clients. `seq` belongs to the process that fired the event (named by `node` in the message):
 * replay after a reconnect covers the events of the process the client reconnects to.
 *
 * `redis` and `@socket.io/redis-adapter` are optional dependencies, loaded here only when the
 * cluster is configured: a single host never loads them, and an install without them still runs.
 */
import { randomUUID } from 'node:crypto';
import type { Server } from 'socket.io';
import { errorInfo, type Logger } from '../../logging/logger.js';
import type { PushEndpoint, PushRelay, RelayKind } from '../transport.js';

export interface Cluster {
  leave(): Promise<void>;
}

const CHANNEL = 'cuttle:push';

/** The optional packages, or an error saying how to install them. */
async function clusterPackages(): Promise<{ createAdapter: typeof import('@socket.io/redis-adapter').createAdapter; createClient: typeof import('redis').createClient }> {
  try {
    const [adapter, redis] = await Promise.all([import('@socket.io/redis-adapter'), import('redis')]);
    return { createAdapter: adapter.createAdapter, createClient: redis.createClient };
  } catch (err) {
    throw new Error(`push.redis.url is set, but the optional packages for it are missing (npm install redis @socket.io/redis-adapter): ${(err as Error).message}`);
  }
}

export async function joinCluster(io: Server, hub: Pick<PushEndpoint, 'setRelay' | 'receiveRemote'>, url: string, logger: Logger): Promise<Cluster> {
  const { createAdapter, createClient } = await clusterPackages();
  const pub = createClient({ url });
  const sub = pub.duplicate();
  for (const client of [pub, sub]) client.on('error', (err: unknown) => logger.warn({ ...errorInfo(err) }, 'push cluster: redis error'));
  await Promise.all([pub.connect(), sub.connect()]);
  io.adapter(createAdapter(pub, sub, { key: 'cuttle' }));
  const nodeId = randomUUID().slice(0, 8);
  (io as unknown as { on(event: string, listener: (kind: RelayKind, data: object) => void): void }).on(CHANNEL, (kind, data) =>
    hub.receiveRemote(kind, data),
  );
  const relay: PushRelay = {
    nodeId,
    publish: (kind, data) => {
      (io as unknown as { serverSideEmit(event: string, ...args: unknown[]): boolean }).serverSideEmit(CHANNEL, kind, data);
    },
  };
  hub.setRelay(relay);
  logger.info({ node: nodeId }, 'push cluster joined');
  return {
    async leave() {
      hub.setRelay(undefined);
      await Promise.allSettled([pub.quit(), sub.quit()]);
    },
  };
}

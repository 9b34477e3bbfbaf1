import { connect, type JetStreamManager, type NatsConnection } from 'nats';
import type { EventsSettings } from '../scenario/events.js';
import { ColdlabError, EXIT, errorMessage } from '../util/errors.js';
import { startNatsServer, type OwnServer } from './server.js';

const CONNECT_TIMEOUT_MS = 5_000;

/** The NATS server a run's event phases use: one coldlab started (own) or the scenario's `events.url`. */
export interface EventBus {
  url: string;
  own: boolean;
  version?: string;
  nc: NatsConnection;
  jsm: JetStreamManager;
  close(): Promise<void>;
}

/** Connects to `url` and checks JetStream answers; an unreachable server or one without JetStream is exit 3 with a hint. */
export async function connectNats(url: string, name = 'coldlab'): Promise<{ nc: NatsConnection; jsm: JetStreamManager }> {
  let nc: NatsConnection;
  try {
    nc = await connect({ servers: url, name, timeout: CONNECT_TIMEOUT_MS, reconnect: false });
  } catch (error) {
    throw new ColdlabError(
      'EVENTS_SERVER_UNREACHABLE',
      `cannot reach the NATS server at ${url}: ${errorMessage(error)}`,
      'start it (nats-server -js), fix events.url in the scenario, or leave url out to let coldlab start its own nats-server',
      EXIT.runtimeUnavailable,
    );
  }
  try {
    const jsm = await nc.jetstreamManager({ timeout: CONNECT_TIMEOUT_MS });
    return { nc, jsm };
  } catch (error) {
    await nc.close();
    throw new ColdlabError('EVENTS_NO_JETSTREAM', `the NATS server at ${url} has no JetStream: ${errorMessage(error)}`, 'start the server with JetStream on (nats-server -js), or leave events.url out', EXIT.runtimeUnavailable);
  }
}

/** Starts coldlab's own server when the settings name none, then connects; close() undoes both. */
export async function openEventBus(settings: Pick<EventsSettings, 'url'>, runId: string): Promise<EventBus> {
  let server: OwnServer | undefined;
  const url = settings.url ?? (server = await startNatsServer(runId)).url;
  try {
    const { nc, jsm } = await connectNats(url);
    const version = server?.version ?? nc.info?.version;
    return {
      url,
      own: server !== undefined,
      ...(version ? { version } : {}),
      nc,
      jsm,
      close: async () => {
        await nc.close().catch(() => undefined);
        await server?.stop();
      },
    };
  } catch (error) {
    await server?.stop();
    throw error;
  }
}

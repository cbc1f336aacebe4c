/**
 * The broker connection, as the MQTT plugin uses it: mqtt.js with the host's status as last will,
 * reconnecting by itself. Event messages are sent only while connected, each with a callback once
 * the broker has it: what the broker missed, the event stream sends again from the durable log
 * (event-stream.ts). Retained topics are remembered, and their latest values are published again on
 * every (re)connect. Command answers are sent only while connected.
 */
import { readFileSync } from 'node:fs';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from 'cuttle';

export interface BrokerOptions {
  url: string;
  username: string;
  password: string;
  /** PEM files for TLS (mqtts:// or wss://): CA, and a client certificate and key */
  ca: string;
  cert: string;
  key: string;
  rejectUnauthorized: boolean;
  clientId: string;
  keepalive: number;
  reconnectMs: number;
  qos: 0 | 1 | 2;
}

export class BufferedPublisher {
  private readonly client: MqttClient;
  private readonly retained = new Map<string, string>();
  private wasConnected = false;

  constructor(
    private readonly options: BrokerOptions,
    private readonly statusTopic: string,
    private readonly logger: Logger,
    onConnect: () => void,
    onConnectionLost: () => void,
  ) {
    const read = (file: string) => (file ? readFileSync(file) : undefined);
    const clientOptions: IClientOptions = {
      clientId: options.clientId,
      keepalive: options.keepalive,
      reconnectPeriod: options.reconnectMs,
      connectTimeout: 10_000,
      clean: true,
      queueQoSZero: false,
      will: { topic: statusTopic, payload: Buffer.from('offline'), retain: true, qos: 1 },
      ...(options.username ? { username: options.username, password: options.password } : {}),
      ...(options.ca ? { ca: read(options.ca) } : {}),
      ...(options.cert ? { cert: read(options.cert), key: read(options.key) } : {}),
      rejectUnauthorized: options.rejectUnauthorized,
    };
    this.client = mqtt.connect(options.url, clientOptions);
    this.client.on('connect', () => {
      this.logger.info({ url: redact(options.url), reconnect: this.wasConnected }, 'connected to the MQTT broker');
      this.wasConnected = true;
      this.client.publish(statusTopic, 'online', { retain: true, qos: 1 });
      for (const [topic, payload] of this.retained) {
        this.client.publish(topic, payload, { retain: true, qos: 1 });
        // an empty retained message deletes the topic at the broker: once sent, nothing to keep
        if (payload === '') this.retained.delete(topic);
      }
      onConnect();
    });
    this.client.on('close', () => onConnectionLost());
    this.client.on('offline', () => this.logger.warn({ url: redact(options.url) }, 'MQTT broker unreachable: events wait in the event log'));
    this.client.on('error', (err) => this.logger.warn({ url: redact(options.url), err: err.message }, 'MQTT error'));
  }

  get connected(): boolean {
    return this.client.connected;
  }

  /** An event message, while connected: `done` runs when the broker acknowledged it (QoS 1, 2) or it was written (QoS 0). */
  send(topic: string, payload: object, done: (err?: Error) => void): void {
    if (!this.client.connected) return done(new Error('not connected'));
    this.client.publish(topic, JSON.stringify(payload), { qos: this.options.qos }, (err) => done(err ?? undefined));
  }

  /** A message that is only worth sending now (a command's answer): dropped while the broker is away. */
  publish(topic: string, payload: object): void {
    if (this.client.connected) this.client.publish(topic, JSON.stringify(payload), { qos: 1 });
  }

  /** A retained topic: its latest value is what the broker keeps (and gets again after a reconnect). */
  retain(topic: string, payload: object | string): void {
    const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
    if (this.retained.get(topic) === text) return;
    this.retained.set(topic, text);
    if (this.client.connected) this.client.publish(topic, text, { retain: true, qos: 1 });
  }

  /** Deletes retained topics at the broker (an empty retained message), now or on the next connect. */
  clear(topics: readonly string[]): void {
    for (const topic of topics) {
      if (!this.retained.has(topic)) continue;
      if (this.client.connected) {
        this.client.publish(topic, '', { retain: true, qos: 1 });
        this.retained.delete(topic);
      } else {
        this.retained.set(topic, '');
      }
    }
  }

  /** The retained topics under `prefix` (a printer's, to clear them when it is removed). */
  retainedUnder(prefix: string): string[] {
    return [...this.retained.keys()].filter((topic) => topic.startsWith(prefix));
  }

  subscribe(filter: string, onMessage: (topic: string, payload: string) => void): void {
    this.client.subscribe(filter, { qos: 1 });
    this.client.on('message', (topic, payload) => {
      if (mqttMatches(filter, topic)) onMessage(topic, payload.toString('utf8'));
    });
  }

  /** Says `offline` (the will is only for a connection lost without goodbye) and disconnects. */
  async end(): Promise<void> {
    if (this.client.connected) await this.client.publishAsync(this.statusTopic, 'offline', { retain: true, qos: 1 }).catch(() => undefined);
    await this.client.endAsync();
  }
}

/** Whether a topic matches a filter with `+` and `#`. */
export function mqttMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length || (f[i] !== '+' && f[i] !== t[i])) return false;
  }
  return f.length === t.length;
}

/** The URL without a password, for logs. */
/** The URL without its password, for logs and the status. */
export function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

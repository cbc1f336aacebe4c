/** A real mosquitto (Debian's package) on a free port for a test, and a recording MQTT client. */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { freePort } from '../support/free-port.js';
import { waitFor } from '../support/wait.js';

export interface Broker {
  url: string;
  port: number;
  stop(): Promise<void>;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Starts mosquitto on `port` (a free one when absent) and resolves once it accepts connections.
 * With `persistDir`, sessions and their queued messages survive a restart of the broker.
 */
export async function startMosquitto(port?: number, persistDir?: string): Promise<Broker> {
  const p = port ?? (await freePort());
  let args = ['-p', String(p)];
  if (persistDir) {
    const conf = path.join(persistDir, 'mosquitto.conf');
    // started as root, mosquitto runs as its own user: it must be able to write its database here
    chmodSync(persistDir, 0o777);
    writeFileSync(conf, `listener ${p} 127.0.0.1\nallow_anonymous true\npersistence true\npersistence_location ${persistDir}/\n`);
    args = ['-c', conf];
  }
  const child: ChildProcess = spawn('mosquitto', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitFor(() => child.exitCode !== null || accepts(p), 10000, `mosquitto on ${p}`).catch(() => undefined);
  if (child.exitCode !== null || !(await accepts(p))) throw new Error(`mosquitto did not start on ${p}: ${err}`);
  return {
    url: `mqtt://127.0.0.1:${p}`,
    port: p,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

export interface Seen {
  topic: string;
  text: string;
  retain: boolean;
}

export interface Recorder {
  client: MqttClient;
  messages: Seen[];
  /** the last message on a topic, parsed as JSON when it is */
  last(topic: string): unknown;
  on(topicPrefix: string): Seen[];
  close(): Promise<void>;
}

/** Connects, subscribes to `filter` and records every message (from the first, queued ones included). */
export async function record(url: string, filter: string, options: IClientOptions = {}): Promise<Recorder> {
  const client = mqtt.connect(url, { reconnectPeriod: 0, ...options });
  const messages: Seen[] = [];
  client.on('message', (topic, payload, packet) => messages.push({ topic, text: payload.toString('utf8'), retain: packet.retain }));
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
  await client.subscribeAsync(filter, { qos: 1 });
  return {
    client,
    messages,
    last(topic) {
      const found = messages.filter((m) => m.topic === topic).at(-1);
      if (!found) return undefined;
      try {
        return JSON.parse(found.text) as unknown;
      } catch {
        return found.text;
      }
    },
    on: (prefix) => messages.filter((m) => m.topic.startsWith(prefix)),
    close: () => client.endAsync(),
  };
}

/**
 * MQTT, bundled: with `plugins.mqtt.url` set, every bus event goes to
 * `<base>/<hostId>/<printer>/event/<Name>` (JSON with seq, host and printer), sent in seq order from
 * the durable event log and at least once (event-stream.ts: an event fired while the broker was away
 * arrives when it is back, even after a restart of the host), the printer's state,
 * progress, temperatures and job are kept in retained topics, `<base>/<hostId>/status` says
 * online/offline (offline also as the last will), and Home Assistant discovery configs make each
 * printer of the registry a device with sensors and pause/resume/cancel buttons (published when the
 * printer is added, deleted with its retained topics when it is removed). Events of no printer (files,
 * slicing, settings, server) go under the `_host` level (topics.ts SHARED_LEVEL), with printer null. Commands arriving on
 * `…/<printer>/command/<pause|resume|cancel>` are refused unless `plugins.mqtt.commands: true`;
 * every command gets an answer on `…/<printer>/command/result`. `GET /plugin/mqtt/status` (status.ts)
 * says whether it is on, connected and caught up; the web app shows that on the farm (ui/panel.ts).
 * Written with the public plugin API only.
 */
import os from 'node:os';
import {
  Disposable,
  DisposableStore,
  EventHistory,
  HttpRoutes,
  inject,
  OnAnyEvent,
  OnShutdown,
  OnStartup,
  definePlugin, Plugin,
  PluginContext,
  PrinterRegistry,
  type AnyFiredEvent,
  type PrinterScope,
  type PrinterService,
  type JobFile,
  type LoggedEvent,
  type PluginSettingsSchema,
  type PrinterState,
  type TemperatureSample,
} from 'cuttle';
import { COMMANDS, printerDiscovery, type Command } from './discovery.js';
import { cursorFileIn, LogEventStream } from './event-stream.js';
import { BufferedPublisher, redact } from './publisher.js';
import type { MqttStatus } from './status.js';
import { Topics } from './topics.js';

const info = definePlugin({
  id: 'mqtt',
  name: 'MQTT',
  version: '1.0.0',
  description: 'Publishes events, printer state and Home Assistant discovery to an MQTT broker; takes pause/resume/cancel commands when allowed.',
  settings: {
    url: { doc: 'Broker URL (mqtt://, mqtts:// for TLS, ws://, wss://); empty: the plugin stays off.', format: String, default: '' },
    baseTopic: { doc: 'First level(s) of every topic.', format: String, default: 'cuttle' },
    hostId: { doc: "This host's topic level under baseTopic (default: the machine's hostname).", format: String, default: os.hostname() },
    username: { doc: 'Broker user name (empty: none).', format: String, default: '' },
    password: { doc: 'Broker password.', format: String, default: '', sensitive: true },
    ca: { doc: 'PEM file of the CA that signed the broker certificate (TLS).', format: String, default: '' },
    cert: { doc: 'PEM file of a client certificate (TLS client authentication).', format: String, default: '' },
    key: { doc: 'PEM file of the client certificate key.', format: String, default: '' },
    rejectUnauthorized: { doc: 'Refuse a broker whose certificate does not verify.', format: Boolean, default: true },
    commands: { doc: 'Act on pause/resume/cancel commands received over MQTT (refused otherwise).', format: Boolean, default: false },
    discovery: { doc: 'Publish Home Assistant MQTT discovery configs.', format: Boolean, default: true },
    discoveryPrefix: { doc: "Home Assistant's discovery prefix.", format: String, default: 'homeassistant' },
    bufferLimit: { doc: 'No longer used: events the broker has not acknowledged wait in the durable event log, however many. Accepted so that older configs load.', format: 'nat', default: 1000 },
    qos: {
      doc: 'QoS of event messages (retained topics use 1). With 1 or 2 an event counts as delivered once the broker acknowledged it; with 0, once it was written to the connection.',
      format: [0, 1, 2],
      default: 1,
    },
    keepalive: { doc: 'Seconds between keep-alive pings.', format: 'nat', default: 30 },
    reconnectMs: { doc: 'Milliseconds between reconnection attempts.', format: 'nat', default: 2000 },
  },
  // the bridge's state on the farm, for those who may read settings (built from ui/panel.ts by plugins/tsconfig.panels.json)
  ui: [{ id: 'status', title: 'MQTT', location: 'farm', module: 'ui/panel.js', permission: 'SETTINGS_READ' }],
});

/** The settings' values, typed from the schema above (the broker options but the per-process client id, and what topics and commands need). */
type Settings = ReturnType<PluginContext<typeof info>['settings']['get']>;

@Plugin(info)
export class MqttPlugin {
  private publisher: BufferedPublisher | undefined;
  private stream: LogEventStream | undefined;
  private topics: Topics | undefined;
  /** the newest seq before this run's events: where a fresh install's event stream starts */
  private readonly runStart: number;
  private settings!: Settings;
  /** per printer: the heaters seen so far (each gets a discovery sensor) */
  private readonly heaters = new Map<string, Set<string>>();

  constructor(
    @inject(PluginContext) private readonly ctx: PluginContext<typeof info>,
    @inject(PrinterRegistry) private readonly printers: PrinterRegistry,
    @inject(EventHistory) private readonly history: EventHistory,
    @inject(HttpRoutes) private readonly routes: HttpRoutes,
  ) {
    // plugins are made before the core services start: their first events (a printer connecting) come after this
    this.runStart = history.latestSeq;
  }

  @OnStartup()
  start(): void {
    this.settings = this.ctx.settings.get();
    const s = this.settings;
    this.ctx.subscriptions.add(
      this.routes.register('mqtt', (routes) =>
        routes.get('/plugin/mqtt/status', 'SETTINGS_READ', (ctx) => {
          ctx.body = this.status();
        }),
      ),
    );
    if (!s.url) {
      this.ctx.logger.debug('plugins.mqtt.url is not set: MQTT stays off');
      return;
    }
    const topics = new Topics(s.baseTopic, s.hostId);
    this.topics = topics;
    const publisher = new BufferedPublisher(
      {
        ...s,
        qos: s.qos as 0 | 1 | 2,
        clientId: `cuttle-${s.hostId}-${process.pid}`.slice(0, 64),
      },
      topics.status,
      this.ctx.logger,
      () => this.connected(),
      () => this.stream?.connectionLost(),
    );
    this.publisher = publisher;
    this.stream = new LogEventStream(
      this.history,
      {
        get connected() {
          return publisher.connected;
        },
        send: (event, acknowledged) => publisher.send(topics.event(event.printer ?? undefined, event.type), this.eventMessage(event), acknowledged),
      },
      cursorFileIn(this.ctx.dataFolder(), s.url, s.hostId),
      this.ctx.logger,
      this.runStart,
    );
    this.stream.wake();
    this.publisher.subscribe(topics.commandFilter, (topic, payload) => void this.command(topic, payload));
    this.ctx.subscriptions.add(this.printers.forEach((scope) => this.watch(scope)));
  }

  /** One printer's retained topics, kept current from its signals; cleared (discovery too) when it is removed. */
  private watch(scope: PrinterScope): Disposable {
    const { id, printer } = scope;
    const topics = this.topics!;
    this.heaters.set(id, new Set());
    const on = new DisposableStore();
    on.add(printer.onStateChanged((state) => this.publishState(id, state)));
    on.add(printer.onTemperature((sample) => this.publishTemperatures(id, sample)));
    on.add(printer.onProgress(({ file, progress }) => this.publisher?.retain(topics.progress(id), { ...progress, file: fileOf(file) })));
    on.add(printer.onFileSelected(() => this.publishJob(scope)));
    on.add(printer.onFileDeselected(() => this.publishJob(scope)));
    on.add(printer.onPrintStarted(() => this.publishJob(scope)));
    on.add(printer.onPrintEnded(() => this.publishJob(scope)));
    this.publishState(id, printer.state);
    this.publishJob(scope);
    this.publishTemperatures(id, { time: Date.now(), heaters: printer.snapshot().temperatures });
    this.publishDiscovery(id);
    on.add(
      Disposable.create(() => {
        const publisher = this.publisher;
        const configs = this.discoveryConfigs(id).map((c) => c.topic);
        this.heaters.delete(id);
        publisher?.clear([...configs, ...publisher.retainedUnder(`${topics.printer(id)}/`)]);
      }),
    );
    return on;
  }

  private status(): MqttStatus {
    const s = this.settings;
    if (!this.publisher || !this.topics) return { on: false };
    return { on: true, broker: redact(s.url), connected: this.publisher.connected, topics: `${this.topics.root}/#`, acknowledged: this.stream?.acknowledged ?? 0, latest: this.history.latestSeq };
  }

  /** An event was fired: the stream sends it (and whatever the broker has not acknowledged before it) from the log. */
  @OnAnyEvent()
  event(_event: AnyFiredEvent): void {
    this.stream?.wake();
  }

  private eventMessage(event: LoggedEvent): object {
    return { type: event.type, seq: event.seq, time: event.time, host: this.settings.hostId, printer: event.printer, payload: event.payload };
  }

  @OnShutdown()
  async stop(): Promise<void> {
    const publisher = this.publisher;
    this.publisher = undefined;
    this.stream?.stop();
    await publisher?.end();
  }

  /** On every (re)connect: the discovery configs (retained values are re-sent by the publisher), and the events the broker has not acknowledged. */
  private connected(): void {
    for (const { id } of this.printers.list()) this.publishDiscovery(id);
    this.stream?.wake();
  }

  private discoveryConfigs(printer: string) {
    if (!this.topics || !this.settings.discovery) return [];
    return printerDiscovery(this.settings.discoveryPrefix, this.topics, this.settings.hostId, printer, [...(this.heaters.get(printer) ?? [])]);
  }

  private publishDiscovery(printer: string): void {
    if (!this.publisher) return;
    for (const { topic, config } of this.discoveryConfigs(printer)) this.publisher.retain(topic, config);
  }

  private publishState(printer: string, state: PrinterState): void {
    this.publisher?.retain(this.topics!.state(printer), { id: state.id, text: state.text, error: state.error || null });
  }

  private publishJob({ id, printer }: PrinterScope): void {
    if (!this.publisher || !this.topics) return;
    const { job, state, progress } = printer.snapshot();
    this.publisher.retain(this.topics.job(id), { file: job ? fileOf(job) : null, state: state.text });
    this.publisher.retain(this.topics.progress(id), { ...progress, file: job ? fileOf(job) : null });
  }

  private publishTemperatures(printer: string, sample: TemperatureSample): void {
    if (!this.publisher || !this.topics) return;
    const heaters = this.heaters.get(printer);
    if (!heaters) return;
    let newHeater = false;
    for (const [heater, reading] of Object.entries(sample.heaters)) {
      if (!heaters.has(heater)) {
        heaters.add(heater);
        newHeater = true;
      }
      this.publisher.retain(this.topics.temperature(printer, heater), { actual: reading.actual, target: reading.target });
    }
    if (newHeater) this.publishDiscovery(printer);
  }

  private async command(topic: string, payload: string): Promise<void> {
    const topics = this.topics!;
    const levels = topic.slice(topics.root.length + 1).split('/');
    const [printer, , name] = levels;
    if (!printer || name === 'result') return;
    const answer = (result: Record<string, unknown>) => this.publisher?.publish(topics.commandResult(printer), { command: name, printer, ...result });
    if (!(COMMANDS as readonly string[]).includes(name ?? '')) return answer({ accepted: false, reason: `unknown command; known: ${COMMANDS.join(', ')}` });
    if (!this.settings.commands) {
      this.ctx.logger.warn({ topic, payload: payload.slice(0, 100) }, 'MQTT command refused: plugins.mqtt.commands is not true');
      return answer({ accepted: false, reason: 'commands are off (plugins.mqtt.commands: false)' });
    }
    // the topic level is the printer id made topic-safe: ids ([a-z0-9-]) are their own level
    const scope = this.printers.get(printer);
    if (!scope) return answer({ accepted: false, reason: `no printer "${printer}"` });
    try {
      await run(scope.printer, name as Command);
      this.ctx.logger.info({ topic, printer }, `MQTT command ${name} done`);
      answer({ accepted: true });
    } catch (err) {
      answer({ accepted: false, reason: (err as Error).message });
    }
  }
}

function run(printer: PrinterService, command: Command): Promise<void> {
  const state = printer.state.id;
  switch (command) {
    case 'pause':
      if (state !== 'PRINTING') throw new Error('the printer is not printing');
      return printer.pausePrint();
    case 'resume':
      if (state !== 'PAUSED') throw new Error('the print is not paused');
      return printer.resumePrint();
    case 'cancel':
      if (!['PRINTING', 'PAUSED', 'PAUSING', 'RESUMING'].includes(state)) throw new Error('no print job is running');
      return printer.cancelPrint();
  }
}

function fileOf(file: JobFile): { name: string; path: string; origin: string } {
  return { name: file.name, path: file.path, origin: file.origin };
}

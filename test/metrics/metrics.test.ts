/**
 * GET /metrics: Prometheus text format read back with a real text-format parser, the metrics the
 * issue lists with their labels and values after a print, default process metrics, and the key:
 * needed (bearer works) unless metrics.public is true.
 */
import { expect } from 'chai';
import { AuthManager } from '../../core/auth/api.js';
import { EventBus } from '../../core/events/event-bus.js';
import { PrinterService } from '../../core/printer/printer-service.js';
import { api, startApiHost, uploadForm } from '../api/support.js';
import { fastSerial, typicalLines } from '../printer/helpers.js';
import { pushClient } from '../push/support.js';
import type { TestHost } from '../support/host.js';
import { waitFor } from '../support/wait.js';
import { PrinterRegistry } from '../../core/printers/printer-registry.js';

// the parser ships no types; this is the shape it returns (prom2json's)
// eslint-disable-next-line @typescript-eslint/no-require-imports
const parsePrometheus = require('parse-prometheus-text-format') as (text: string) => Family[];

interface Family {
  name: string;
  help: string;
  type: string;
  metrics: { value?: string; labels?: Record<string, string> }[];
}

function sample(families: Family[], name: string, labels: Record<string, string> = {}): number | undefined {
  const family = families.find((f) => f.name === name);
  const found = family?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  return found?.value === undefined ? undefined : Number(found.value);
}

describe('Prometheus metrics', function () {
  this.timeout(60000);
  let t: TestHost | undefined;
  afterEach(async () => {
    await t?.get<PrinterRegistry>(PrinterRegistry).first()!.printer.disconnect().catch(() => undefined);
    await t?.stop();
    t = undefined;
  });

  it('exposes printer, job, push, event and hook metrics and the process defaults in the text format', async () => {
    t = await startApiHost({
      config: { ...fastSerial({}, { temperatureInterval: 1 }), events: { subscriptions: [{ event: 'PrintDone', type: 'system', command: ['true'] }] } },
    });
    const call = api(t);
    const printer = t.get<PrinterRegistry>(PrinterRegistry).first()!.printer;
    await printer.connect({ port: 'virtual' });
    await waitFor(() => printer.state.id === 'OPERATIONAL');
    const push = pushClient(t.baseUrl, { apikey: t.apiKey });
    try {
      await waitFor(() => push.of('history').length === 1);
      expect((await call('POST', '/api/printer/tool', { body: { command: 'target', targets: { tool0: 210 } } })).status).to.equal(204);
      expect((await call('POST', '/api/files/local', { body: uploadForm('m.gcode', typicalLines(300).join('\n'), { print: 'true' }) })).status).to.equal(201);
      const bus = t.get<EventBus>(EventBus);
      let done = false;
      bus.on('PrintDone', () => void (done = true));
      await waitFor(() => done, 30000);
      await waitFor(async () => {
        const text = (await call('GET', '/metrics')).json as string;
        const families = parsePrometheus(text);
        // the hook has run, and the printer has reported the new target since it was set
        return (
          sample(families, 'cuttle_hook_runs_total', { type: 'system', result: 'ran' }) === 1 &&
          sample(families, 'cuttle_temperature_target_celsius', { printer: 'default', heater: 'tool0' }) === 210
        );
      }, 10000);

      const res = await fetch(`${t.baseUrl}/metrics`, { headers: { Authorization: `Bearer ${t.apiKey}` } });
      expect(res.status).to.equal(200);
      expect(res.headers.get('content-type')).to.match(/^text\/plain; version=0\.0\.4/);
      const families = parsePrometheus(await res.text());
      const types = Object.fromEntries(families.map((f) => [f.name, f.type]));
      expect(types).to.deep.include({
        cuttle_temperature_celsius: 'GAUGE',
        cuttle_temperature_target_celsius: 'GAUGE',
        cuttle_job_progress_ratio: 'GAUGE',
        cuttle_lines_sent_total: 'COUNTER',
        cuttle_resends_total: 'COUNTER',
        cuttle_printer_errors_total: 'COUNTER',
        cuttle_push_clients: 'GAUGE',
        cuttle_events_total: 'COUNTER',
        cuttle_hook_runs_total: 'COUNTER',
      });
      expect(sample(families, 'cuttle_temperature_target_celsius', { printer: 'default', heater: 'tool0' })).to.equal(210);
      expect(sample(families, 'cuttle_temperature_celsius', { printer: 'default', heater: 'tool0' })).to.be.a('number').and.greaterThan(0);
      expect(sample(families, 'cuttle_job_progress_ratio', { printer: 'default' })).to.equal(1);
      expect(sample(families, 'cuttle_lines_sent_total', { printer: 'default' })).to.be.at.least(300);
      expect(sample(families, 'cuttle_resends_total', { printer: 'default' })).to.equal(0);
      expect(sample(families, 'cuttle_printer_errors_total', { printer: 'default' })).to.equal(0);
      expect(sample(families, 'cuttle_push_clients', { transport: 'socket.io' })).to.equal(1);
      expect(sample(families, 'cuttle_events_total', { event: 'PrintStarted' })).to.equal(1);
      expect(sample(families, 'cuttle_events_total', { event: 'PrintDone' })).to.equal(1);
      expect(sample(families, 'cuttle_hook_runs_total', { type: 'system', result: 'ran' })).to.equal(1);
      // a printer's events and hook runs carry it; an event of no printer (an upload) carries none
      expect(sample(families, 'cuttle_events_total', { event: 'PrintDone', printer: 'default' })).to.equal(1);
      expect(sample(families, 'cuttle_hook_runs_total', { type: 'system', result: 'ran', printer: 'default' })).to.equal(1);
      expect(sample(families, 'cuttle_events_total', { event: 'FileAdded', printer: '' })).to.equal(1);
      // prom-client's process defaults: event-loop lag and memory among them
      expect(sample(families, 'nodejs_eventloop_lag_seconds')).to.be.a('number');
      expect(sample(families, 'process_resident_memory_bytes')).to.be.greaterThan(0);
      expect(sample(families, 'nodejs_heap_size_used_bytes')).to.be.greaterThan(0);
    } finally {
      push.close();
    }
    await waitFor(async () => sample(parsePrometheus((await call('GET', '/metrics')).json as string), 'cuttle_push_clients', { transport: 'socket.io' }) === 0);
  });

  it('needs a key unless metrics.public is true', async () => {
    t = await startApiHost();
    expect((await fetch(`${t.baseUrl}/metrics`)).status).to.equal(403);
    expect((await fetch(`${t.baseUrl}/metrics`, { headers: { Authorization: 'Bearer wrong' } })).status).to.equal(403);
    const auth = t.get<AuthManager>(AuthManager);
    await auth.users.add('scraper', { groups: ['readonly'] });
    const key = auth.users.addKey('scraper', 'prometheus');
    expect((await fetch(`${t.baseUrl}/metrics`, { headers: { Authorization: `Bearer ${key}` } })).status).to.equal(200);
    await t.stop();
    t = await startApiHost({ config: { metrics: { public: true } } });
    const open = await fetch(`${t.baseUrl}/metrics`);
    expect(open.status).to.equal(200);
    expect(parsePrometheus(await open.text()).some((f) => f.name === 'cuttle_events_total')).to.equal(true);
  });
});

/**
 * For one change, the event goes out before the `current` that shows it: a print started, paused,
 * resumed and done on the simulated printer, watched over socket.io (the farm view) and over SockJS
 * (the printer's OctoPrint socket) at a high `current` rate, so many ticks fall between a change and
 * its event.
 */
import { expect } from 'chai';
import { api } from '../api/support.js';
import { openPushClient, type PushMessageSeen, type TestPushClient } from '../clients/push-clients.js';
import { request } from '../clients/helpers.js';
import { fastSerial } from '../printer/helpers.js';
import type { TestHost } from '../support/host.js';
import { pushClient, startConnectedHost, type ConnectedHost, type RecordingClient } from './support.js';
import { waitFor } from '../support/wait.js';

// moves that take time on the simulated printer, so the print is seen Printing for many ticks
const GCODE = ['G28', 'G90', 'M82', ...Array.from({ length: 120 }, (_, i) => `G1 X${i % 100} Y${(i * 7) % 100} Z0.2 E${i / 10} F3000`), ''].join('\n');

type Message = { type: string; data: Record<string, any> };

const stateOf = (m: Message): string => m.data['state']['text'];
const isEvent = (name: string) => (m: Message) => m.type === 'event' && m.data['type'] === name;
const showing = (text: string) => (m: Message) => m.type === 'current' && stateOf(m) === text;

/**
 * Every `current` shows a state already announced by PrinterStateChanged (or the `history` one), never
 * one announced later and never going back; and each named event precedes the first `current` showing its state.
 */
function expectEventsFirst(messages: Message[], where: string): void {
  const history = messages.find((m) => m.type === 'history');
  expect(history, `${where}: history`).to.not.equal(undefined);
  const announced = [stateOf(history!)];
  let shown = 0;
  messages.forEach((m, i) => {
    if (isEvent('PrinterStateChanged')(m)) announced.push(m.data['payload']['state_string']);
    if (m.type !== 'current') return;
    const at = announced.indexOf(stateOf(m), shown);
    expect(at, `${where}: current #${i} shows ${stateOf(m)} before its PrinterStateChanged (announced since the last current: ${announced.slice(shown).join(', ')})`).to.be.at.least(0);
    shown = at;
  });
  const index = (from: number, match: (m: Message) => boolean) => messages.findIndex((m, i) => i >= from && match(m));
  const started = index(0, isEvent('PrintStarted'));
  const printing = index(0, showing('Printing'));
  const paused = index(0, isEvent('PrintPaused'));
  const pausedShown = index(0, showing('Paused'));
  const resumed = index(0, isEvent('PrintResumed'));
  const printingAgain = index(pausedShown, showing('Printing'));
  const done = index(0, isEvent('PrintDone'));
  const operationalAgain = index(printingAgain, showing('Operational'));
  for (const [name, at] of Object.entries({ started, printing, paused, pausedShown, resumed, printingAgain, done, operationalAgain })) {
    expect(at, `${where}: ${name} seen`).to.be.at.least(0);
  }
  expect(started, `${where}: PrintStarted before the first current showing Printing`).to.be.below(printing);
  expect(paused, `${where}: PrintPaused before the first current showing Paused`).to.be.below(pausedShown);
  expect(resumed, `${where}: PrintResumed before the current showing Printing again`).to.be.below(printingAgain);
  expect(done, `${where}: PrintDone before the current showing Operational again`).to.be.below(operationalAgain);
}

describe('push: an event before the `current` that shows its change', function () {
  this.timeout(60000);
  let host: ConnectedHost;
  let t: TestHost;

  before(async () => {
    host = await startConnectedHost({ ...fastSerial({ motion: true, speedFactor: 20 }), push: { rateHz: 200 } });
    t = host.t;
  });
  after(async () => host?.stop());

  it('holds over socket.io and over SockJS through a print started, paused, resumed and done', async () => {
    const farm: RecordingClient = pushClient(t.baseUrl, { apikey: t.apiKey });
    const sockjs: TestPushClient = await openPushClient(t.baseUrl, 'sockjs-websocket');
    try {
      const login = await request(t.baseUrl, 'POST', '/api/login', { key: t.apiKey, body: { passive: true } });
      sockjs.send({ auth: `${login.body.name}:${login.body.session}` });
      await sockjs.next('history');
      await waitFor(() => farm.of('history').length === 1, 5000, 'the farm history');
      const seen = () => [farm.received as Message[], sockjs.messages as PushMessageSeen[] as Message[]];
      const bothShow = (text: string) => seen().every((messages) => messages.some(showing(text)));

      const form = new FormData();
      form.append('file', new Blob([GCODE]), 'ordering.gcode');
      form.append('print', 'true');
      expect((await api(t)('POST', '/api/files/local', { body: form })).status).to.equal(201);
      await waitFor(() => bothShow('Printing'), 10000, 'Printing shown');
      expect((await api(t)('POST', '/api/job', { body: { command: 'pause', action: 'pause' } })).status).to.equal(204);
      await waitFor(() => bothShow('Paused'), 10000, 'Paused shown');
      expect((await api(t)('POST', '/api/job', { body: { command: 'pause', action: 'resume' } })).status).to.equal(204);
      await waitFor(() => seen().every((messages) => messages.some(isEvent('PrintDone'))), 30000, 'the print done');
      await waitFor(() => seen().every((messages) => stateOf(messages.filter((m) => m.type === 'current').at(-1)!) === 'Operational'), 5000, 'Operational shown');

      expectEventsFirst(farm.received as Message[], 'socket.io');
      expectEventsFirst(sockjs.messages as Message[], 'SockJS');
    } finally {
      farm.close();
      sockjs.close();
    }
  });
});

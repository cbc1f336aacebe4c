/**
 * No request produces a 500: every route that takes a body is sent a body of each wrong type (no
 * JSON, a scalar, an array, objects with fields of the wrong type, a string of 1 MB, and JSON
 * nested 10 000 levels deep, which once overflowed the stack of three routes into 500s) and must
 * answer below 500. The host must still answer normally afterwards.
 */
import { expect } from 'chai';
import { api, startApiHost, uploadForm } from './support.js';
import type { TestHost } from '../support/host.js';

const nested = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
/** The fields routes read, each nested `levels` deep (a route that walks its field recursively meets the depth). */
const FIELDS = ['command', 'profile', 'targets', 'offsets', 'data', 'settings', 'plugins', 'printers', 'connection', 'entry', 'name', 'userdata', 'webcam', 'serial'];
const deep = (levels: number) => `{${FIELDS.map((field) => `"${field}":${nested(levels)}`).join(',')}}`;
const deepArray = (levels: number) => `{"command":${'['.repeat(levels)}${']'.repeat(levels)}}`;

/** Raw bodies, each sent as application/json. */
const BODIES: readonly string[] = [
  '',
  '{',
  'null',
  '42',
  '"text"',
  'true',
  '[]',
  '[{"command":"connect"}]',
  '{"command":5}',
  '{"command":{"a":[1,2]}}',
  '{"command":"connect","port":["virtual"],"baudrate":"fast"}',
  '{"command":"select","print":"yes","path":{"a":1}}',
  '{"targets":{"tool0":"hot"},"command":"target","offsets":[1]}',
  '{"name":{"x":1},"password":[1],"admin":"yes","groups":"users","entry":5}',
  '{"id":"p9","name":123,"connection":{"port":7,"baudrate":-1},"listen":"x"}',
  '{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}}}',
  JSON.stringify({ command: 'x'.repeat(1_000_000) }),
  nested(10_000),
  deep(10_000),
  deepArray(10_000),
  deep(40),
];

/** Every route that reads a body, with its parameters filled in. */
const ROUTES: readonly [string, string][] = [
  ['POST', '/api/connection'],
  ['POST', '/api/job'],
  ['POST', '/api/printer/command'],
  ['POST', '/api/printer/printhead'],
  ['POST', '/api/printer/tool'],
  ['POST', '/api/printer/bed'],
  ['POST', '/api/printer/chamber'],
  ['POST', '/api/printer/sd'],
  ['POST', '/api/files/local'],
  ['POST', '/api/files/local/cube.gcode'],
  ['POST', '/api/files/sdcard/cube.gcode'],
  ['POST', '/api/settings'],
  ['POST', '/api/printerprofiles'],
  ['PATCH', '/api/printerprofiles/_default'],
  ['PUT', '/api/slicing/prusaslicer/profiles/wrong'],
  ['PATCH', '/api/slicing/prusaslicer/profiles/wrong'],
  ['POST', '/api/timelapse'],
  ['POST', '/api/timelapse/unrendered/none'],
  ['POST', '/api/system/commands/custom/none'],
  ['POST', '/api/printers'],
  ['PATCH', '/api/printers/default'],
  ['POST', '/api/login'],
  ['POST', '/api/plugin/appkeys'],
  ['POST', '/plugin/appkeys/request'],
  ['POST', '/plugin/appkeys/decision/none'],
  ['POST', '/api/events/test'],
  ['POST', '/api/access/users'],
  ['PUT', '/api/access/users/nobody'],
  ['PUT', '/api/access/users/nobody/password'],
  ['POST', '/api/backup'],
  ['POST', '/plugin/backup/backup'],
  ['POST', '/printer/default/api/job'],
  ['POST', '/printer/default/api/printer/tool'],
];

describe('wrong bodies on every route (no 500s)', function () {
  this.timeout(60_000);
  let t: TestHost;
  before(async () => {
    t = await startApiHost();
    const upload = await api(t)('POST', '/api/files/local', { body: uploadForm('cube.gcode', 'G28\nG1 X1\n') });
    expect(upload.status).to.equal(201);
  });
  after(() => t?.stop());

  it(`answers ${ROUTES.length} routes × ${BODIES.length} bodies below 500`, async () => {
    const server: string[] = [];
    for (const [method, path] of ROUTES) {
      for (const body of BODIES) {
        const res = await fetch(t.baseUrl + path, { method, headers: { 'X-Api-Key': t.apiKey, 'Content-Type': 'application/json' }, body });
        await res.arrayBuffer();
        if (res.status >= 500) server.push(`${method} ${path} ${body.slice(0, 60)}${body.length > 60 ? '…' : ''} → ${res.status}`);
      }
    }
    expect(server, 'requests answered with a 5xx').to.deep.equal([]);
    // and the host is still itself
    const version = await api(t)('GET', '/api/version');
    expect(version.status).to.equal(200);
  });
});

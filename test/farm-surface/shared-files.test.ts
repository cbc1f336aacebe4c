/**
 * The local storage is shared by every printer: a file uploaded once prints on two printers at once;
 * while either prints it, deleting, moving or replacing it answers 409 (the guard asks every printer,
 * not only the first); the print history records the prints of every printer; a model sliced with
 * `select` through a printer's base is selected on that printer.
 */
import { expect } from 'chai';
import { api, uploadForm } from '../api/support.js';
import { boxStl } from '../slicing/support.js';
import { OctoPrintClient } from './octoprint-client.js';
import { gcodeFile, startFarmHost, waitForState, type FarmHost } from './support.js';
import { keyHeaders } from '../support/http.js';
import { waitFor } from '../support/wait.js';

describe('farm surface: the shared local storage', function () {
  this.timeout(60_000);
  let farm: FarmHost;
  const client = (id: string) => new OctoPrintClient({ baseurl: `${farm.t.baseUrl}/printer/${id}/`, apikey: farm.t.apiKey });

  before(async () => {
    farm = await startFarmHost([{ id: 'p1' }, { id: 'p2' }, { id: 'p3' }]);
    for (const id of ['p1', 'p2', 'p3']) await farm.printer(id).connect();
    for (const id of ['p1', 'p2', 'p3']) await waitForState(farm.printer(id), 'OPERATIONAL');
  });
  after(() => farm?.stop());

  it('prints one file on two printers at once; delete, move and replace answer 409 while either prints', async () => {
    const content = gcodeFile('shared', 600);
    expect((await client('p3').files.upload('local', content, 'shared.gcode')).status).to.equal(201);
    // p2 and p3 print it; p1 (the root's printer) does not
    for (const id of ['p2', 'p3']) expect((await client(id).files.select('local', 'shared.gcode', true)).status).to.equal(204);
    for (const id of ['p2', 'p3']) await waitForState(farm.printer(id), 'PRINTING');
    expect(farm.printer('p1').state.id).to.equal('OPERATIONAL');

    const refused = async (via: OctoPrintClient) => {
      expect((await via.files.delete('local', 'shared.gcode')).status, 'delete').to.equal(409);
      expect((await via.issueCommand('api/files/local/shared.gcode', 'move', { destination: 'moved.gcode' })).status, 'move').to.equal(409);
      expect((await via.files.upload('local', 'G28\n', 'shared.gcode')).status, 'replace').to.equal(409);
    };
    // asked through the root (p1, not printing it) and through a printer that prints it
    await refused(new OctoPrintClient({ baseurl: farm.t.baseUrl, apikey: farm.t.apiKey }));
    await refused(client('p2'));

    // p2 cancels: p3 still prints it, so it is still refused
    expect((await client('p2').job.cancel()).status).to.equal(204);
    await waitForState(farm.printer('p2'), 'OPERATIONAL');
    expect(farm.printer('p3').state.id).to.equal('PRINTING');
    await refused(client('p1'));

    // both done with it: the file can go, and the download served it whole meanwhile
    expect((await client('p3').job.cancel()).status).to.equal(204);
    await waitForState(farm.printer('p3'), 'OPERATIONAL');
    expect((await client('p1').get('downloads/files/local/shared.gcode')).json).to.equal(content);
    expect((await client('p1').files.delete('local', 'shared.gcode')).status).to.equal(204);
    for (const id of ['p2', 'p3']) expect(farm.printer(id).snapshot().job, `${id} no longer has it selected`).to.equal(null);
  });

  it("records every printer's prints in the file's history", async () => {
    const call = api(farm.t);
    const up = await fetch(`${farm.t.baseUrl}/api/files/local`, { method: 'POST', headers: keyHeaders(farm.t.apiKey), body: uploadForm('history.gcode', gcodeFile('history', 20)) });
    expect(up.status).to.equal(201);
    // p3 finishes it, p2 is cancelled: neither is the root's printer
    expect((await client('p3').files.select('local', 'history.gcode', true)).status).to.equal(204);
    await waitForState(farm.printer('p3'), 'PRINTING');
    await waitForState(farm.printer('p3'), 'OPERATIONAL', 30_000);
    expect((await client('p2').files.select('local', 'history.gcode', true)).status).to.equal(204);
    await waitForState(farm.printer('p2'), 'PRINTING');
    expect((await client('p2').job.cancel()).status).to.equal(204);
    await waitForState(farm.printer('p2'), 'OPERATIONAL');
    const prints = await waitFor(async () => {
      const file = (await call('GET', '/api/files/local/history.gcode')).json;
      return file.prints && file.prints.success + file.prints.failure === 2 ? file.prints : null;
    });
    expect(prints).to.include({ success: 1, failure: 1 });
    expect(prints.last.success).to.equal(false);
  });

  it('selects a sliced model on the printer whose base the slice command came through', async () => {
    const p3 = client('p3');
    expect((await p3.upload('api/files/local', boxStl(10, 10, 4), 'box.stl')).status).to.equal(201);
    const sliced = await p3.issueCommand('api/files/local/box.stl', 'slice', { gcode: 'box.gcode', select: true });
    expect(sliced.status).to.equal(202);
    expect(sliced.json.refs.resource).to.equal(`${farm.t.baseUrl}/printer/p3/api/files/local/box.gcode`);
    await waitFor(() => farm.printer('p3').snapshot().job?.path === 'box.gcode', 60_000);
    for (const id of ['p1', 'p2']) expect(farm.printer(id).snapshot().job?.path ?? null, id).to.not.equal('box.gcode');
  });
});

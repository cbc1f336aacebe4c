/**
 * Every File-handling event with its payload, as subscribers see them on the bus: upload, folders,
 * copy/move semantics (the spec's notes), delete, UpdatedFiles (printables then deprecated gcode),
 * and the metadata analysis. Selection and SD transfer events need the printer: see printer-files.test.ts.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { FileManager } from '../../core/files/file-manager.js';
import type { TestHost } from '../support/host.js';
import { api, SMALL_GCODE, startApiHost, uploadForm, type Api } from '../api/support.js';
import { waitFor } from '../support/wait.js';
import { recordEvents } from '../support/events.js';

const FILE_EVENTS = new Set([
  'Upload',
  'FileAdded',
  'FileRemoved',
  'FolderAdded',
  'FolderRemoved',
  'UpdatedFiles',
  'MetadataAnalysisStarted',
  'MetadataAnalysisFinished',
]);

describe('File-handling events', function () {
  let t: TestHost;
  let call: Api;
  let rec: ReturnType<typeof recordEvents>;
  let files: FileManager;

  before(async () => {
    t = await startApiHost();
    call = api(t);
    files = t.get<FileManager>(FileManager);
    rec = recordEvents(t);
  });
  after(async () => t?.stop());
  beforeEach(() => rec.clear());

  /** the file events since the last clear, as [name, payload] (analysis result reduced to its presence) */
  async function fired(): Promise<[string, Record<string, unknown>][]> {
    await rec.idle();
    return rec.events
      .filter((e) => FILE_EVENTS.has(e.name))
      .map((e) => {
        const payload = { ...(e.payload as Record<string, unknown>) };
        if ('result' in payload) payload.result = typeof payload.result;
        return [e.name, payload];
      });
  }

  const updated: [string, Record<string, unknown>][] = [
    ['UpdatedFiles', { type: 'printables' }],
    ['UpdatedFiles', { type: 'gcode' }],
  ];

  it('upload: FileAdded, UpdatedFiles (printables, gcode), Upload, then the analysis events', async () => {
    expect((await call('POST', '/api/files/local', { body: uploadForm('cube.gcode', SMALL_GCODE) })).status).to.equal(201);
    await waitFor(() => rec.named('MetadataAnalysisFinished').length > 0);
    expect(await fired()).to.deep.equal([
      ['FileAdded', { storage: 'local', path: 'cube.gcode', name: 'cube.gcode', type: ['machinecode', 'gcode'] }],
      ...updated,
      ['Upload', { name: 'cube.gcode', path: 'cube.gcode', target: 'local', file: 'cube.gcode' }],
      ['MetadataAnalysisStarted', { name: 'cube.gcode', path: 'cube.gcode', origin: 'local', file: 'cube.gcode' }],
      ['MetadataAnalysisFinished', { name: 'cube.gcode', path: 'cube.gcode', origin: 'local', file: 'cube.gcode', result: 'object' }],
    ]);
    const result = rec.named('MetadataAnalysisFinished')[0]!.payload as { result: { filament: { tool0: { length: number } }; layerCount: number } };
    expect(result.result.filament.tool0.length).to.equal(4);
    expect(result.result.layerCount).to.equal(1);
  });

  it('folder creation (upload into a new folder creates it first)', async () => {
    await files.addFolder('local', 'box');
    await files.addFile('local', 'nested/deeper/part.stl', Readable.from([Buffer.from('solid x\nendsolid x\n')]));
    expect(await fired()).to.deep.equal([
      ['FolderAdded', { storage: 'local', path: 'box', name: 'box' }],
      ...updated,
      ['FolderAdded', { storage: 'local', path: 'nested', name: 'nested' }],
      ...updated,
      ['FolderAdded', { storage: 'local', path: 'nested/deeper', name: 'deeper' }],
      ...updated,
      ['FileAdded', { storage: 'local', path: 'nested/deeper/part.stl', name: 'part.stl', type: ['model', 'stl'] }],
      ...updated,
    ]);
  });

  it('a copied file fires FileAdded for its new path only', async () => {
    await files.copy('local', 'cube.gcode', 'box');
    const events = await fired();
    expect(events[0]).to.deep.equal(['FileAdded', { storage: 'local', path: 'box/cube.gcode', name: 'cube.gcode', type: ['machinecode', 'gcode'] }]);
    expect(events.slice(1, 3)).to.deep.equal(updated);
    expect(events.filter(([n]) => n === 'FileRemoved')).to.deep.equal([]);
  });

  it('a moved file fires FileRemoved for the old path, then FileAdded for the new one', async () => {
    await files.move('local', 'box/cube.gcode', 'box/renamed.gcode');
    expect(await fired()).to.deep.equal([
      ['FileRemoved', { storage: 'local', path: 'box/cube.gcode', name: 'cube.gcode', type: ['machinecode', 'gcode'] }],
      ['FileAdded', { storage: 'local', path: 'box/renamed.gcode', name: 'renamed.gcode', type: ['machinecode', 'gcode'] }],
      ...updated,
    ]);
    // the analysis travels with the file
    const entry = await files.get('local', 'box/renamed.gcode');
    expect(entry?.kind === 'file' && entry.analysis?.filament.tool0?.length).to.equal(4);
  });

  it('a copied folder fires FolderAdded for its new path; a moved one FolderRemoved then FolderAdded', async () => {
    await files.copy('local', 'box', 'box2');
    expect(await fired()).to.deep.equal([['FolderAdded', { storage: 'local', path: 'box2', name: 'box2' }], ...updated]);
    rec.clear();
    await files.move('local', 'box2', 'nested');
    expect(await fired()).to.deep.equal([
      ['FolderRemoved', { storage: 'local', path: 'box2', name: 'box2' }],
      ['FolderAdded', { storage: 'local', path: 'nested/box2', name: 'box2' }],
      ...updated,
    ]);
    expect((await files.get('local', 'nested/box2/renamed.gcode'))?.kind).to.equal('file');
  });

  it('deleting fires FileRemoved / FolderRemoved', async () => {
    await files.remove('local', 'box/renamed.gcode');
    await files.remove('local', 'nested');
    expect(await fired()).to.deep.equal([
      ['FileRemoved', { storage: 'local', path: 'box/renamed.gcode', name: 'renamed.gcode', type: ['machinecode', 'gcode'] }],
      ...updated,
      ['FolderRemoved', { storage: 'local', path: 'nested', name: 'nested' }],
      ...updated,
    ]);
  });

  it('an analyse command re-runs the analysis; metadata is kept per folder and written atomically', async () => {
    expect((await call('POST', '/api/files/local/cube.gcode', { body: { command: 'analyse' } })).status).to.equal(204);
    await waitFor(() => rec.named('MetadataAnalysisFinished').length > 0);
    const meta = JSON.parse(fs.readFileSync(path.join(t.basedir, 'uploads', '.metadata.json'), 'utf8')) as Record<string, { analysis?: unknown }>;
    expect(meta['cube.gcode']?.analysis).to.be.an('object');
    const leftovers = fs.readdirSync(path.join(t.basedir, 'uploads')).filter((n) => n.endsWith('.tmp') && n !== '.tmp');
    expect(leftovers).to.deep.equal([]);
  });

  it('does not fire anything for refused operations', async () => {
    for (const op of [
      () => files.copy('local', 'cube.gcode', '../x.gcode'),
      () => files.move('local', 'missing.gcode', 'x.gcode'),
      () => files.addFolder('local', '.hidden'),
      () => files.remove('local', 'missing.gcode'),
    ]) {
      await op().then(
        () => expect.fail('should be refused'),
        (err: { status?: number }) => expect(err.status).to.be.oneOf([400, 404, 409, 415]),
      );
    }
    expect(await fired()).to.deep.equal([]);
  });
});

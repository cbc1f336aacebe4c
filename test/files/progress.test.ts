/** Progress of a long analysis reaches the bus as the file-events plugin's custom event. */
import { expect } from 'chai';
import { Readable } from 'node:stream';
import { FileManager } from '../../core/files/file-manager.js';
import type { TestHost } from '../support/host.js';
import { startApiHost } from '../api/support.js';
import { waitFor } from '../support/wait.js';
import { recordEvents } from '../support/events.js';

describe('analysis progress', function () {
  let t: TestHost;

  before(async () => {
    t = await startApiHost({ config: { files: { analysis: { progressIntervalMs: 0 } } } });
  });
  after(async () => t?.stop());

  it('fires plugin_file_events_MetadataAnalysisProgress between Started and Finished, increasing', async () => {
    const rec = recordEvents(t);
    // ~10 MB: several 4 MB chunks, so several progress reports
    const line = 'G1 X10.123 Y20.456 E0.01234\nG1 X20.123 Y10.456 E0.01234\n';
    const text = line.repeat(Math.ceil((10 * 1024 * 1024) / line.length));
    await t.get<FileManager>(FileManager).addFile('local', 'long.gcode', Readable.from([Buffer.from(text)]));
    await waitFor(() => rec.named('MetadataAnalysisFinished').length > 0, 20000);
    await rec.idle();
    const names = rec.events.map((e) => e.name).filter((n) => n.startsWith('Metadata') || n.includes('Progress'));
    expect(names[0]).to.equal('MetadataAnalysisStarted');
    expect(names.at(-1)).to.equal('MetadataAnalysisFinished');
    const progress = rec.named('plugin_file_events_MetadataAnalysisProgress').map((e) => e.payload as { origin: string; path: string; name: string; progress: number });
    expect(progress.length).to.be.at.least(2);
    expect(progress[0]).to.include({ origin: 'local', path: 'long.gcode', name: 'long.gcode' });
    const values = progress.map((p) => p.progress);
    expect([...values].sort((a, b) => a - b)).to.deep.equal(values);
    expect(values.at(-1)).to.be.at.most(1);
  });
});

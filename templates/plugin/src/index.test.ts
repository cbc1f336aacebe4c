/**
 * Runs the plugin in a cuttle host inside this process (cuttle/testing) with three simulated
 * printers: a print on one of them, awaited through its events.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTestHost } from 'cuttle/testing';
import { MyPlugin } from './index.js';

test("each printer has an instance of its own, which counts that printer's prints", async () => {
  const host = await startTestHost({ plugins: [MyPlugin], printers: 3 });
  try {
    await host.print('p2', 'cube.gcode', 'G28\nG1 X10 Y10 F3000\nG1 X20 Y20 E1\n');
    await host.nextEvent('PrintDone', { printer: 'p2' });
    const counted = await host.nextEvent('plugin_my_plugin_Counted', { printer: 'p2' });
    assert.deepEqual(counted, { printer: 'p2', count: 1, file: 'cube.gcode' });
    assert.equal(host.plugin(MyPlugin, 'p2').count, 1);
    assert.equal(host.plugin(MyPlugin, 'p1').count, 0);
    assert.equal(host.plugin(MyPlugin, 'p3').count, 0);
  } finally {
    await host.stop();
  }
});

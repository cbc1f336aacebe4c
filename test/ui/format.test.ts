/**
 * The web app's own computations (ui/src/lib/format.ts, bundled as they are): durations in human
 * units, OctoPrint's print-time-left estimator, and readable event lines.
 */
import { expect } from 'chai';
import { describeEvent, describeTemperatures, eventLabel, formatDuration, PrintClock, PrintTimeEstimator, progressText, timeLeftText } from '../../ui/src/lib/format.js';

describe('web app: display helpers', () => {
  it('formats durations in human units', () => {
    expect(formatDuration(null)).to.equal('–');
    expect(formatDuration(-1)).to.equal('–');
    expect(formatDuration(0)).to.equal('0 s');
    expect(formatDuration(7.8806697409999975)).to.equal('8 s');
    expect(formatDuration(245)).to.equal('4 min 05 s');
    expect(formatDuration(3599.6)).to.equal('1 h 00 min');
    expect(formatDuration(3725)).to.equal('1 h 02 min');
    expect(formatDuration(90061)).to.equal('1 d 1 h');
  });

  describe("print time left, as OctoPrint's estimator", () => {
    it('takes the analysis early in a print when it agrees with the progress (the probe: 85 s analysis, 373 s linear)', () => {
      // 7.88 s elapsed at 2.07 %: linear says 372.8 s left, the analysis 85 s in all
      const estimate = new PrintTimeEstimator().estimate(7.8806697409999975 / (7.8806697409999975 + 372.8273212014908), 7.8806697409999975, 85, 'analysis');
      expect(estimate.origin).to.equal('analysis');
      expect(estimate.left).to.be.closeTo(85 - 7.88, 0.01);
    });

    it('falls back to the linear estimate when the analysis cannot be right', () => {
      const estimate = new PrintTimeEstimator().estimate(0.02, 8, 10, 'analysis');
      expect(estimate).to.deep.equal({ left: 8 / 0.02 - 8, origin: 'linear' });
    });

    it('without an analysis: nothing until 30 % (or 30 min), then linear', () => {
      const estimator = new PrintTimeEstimator();
      expect(estimator.estimate(0.1, 60, null, 'analysis')).to.deep.equal({ left: null, origin: 'linear' });
      expect(estimator.estimate(0.4, 240, null, 'analysis')).to.deep.equal({ left: 360, origin: 'linear' });
      expect(new PrintTimeEstimator().estimate(0.05, 1800, null, 'analysis').left).to.equal(1800 / 0.05 - 1800);
      expect(estimator.estimate(0, 1, 100, 'analysis')).to.deep.equal({ left: null, origin: null });
    });

    it('blends the analysis with a stable progress estimate until half-way, then trusts progress alone', () => {
      // a print that really takes 1000 s, analysed at 800 s, one update a second
      const estimator = new PrintTimeEstimator();
      const at = new Map<number, ReturnType<PrintTimeEstimator['estimate']>>();
      for (let t = 1; t < 1000; t++) at.set(t, estimator.estimate(t / 1000, t, 800, 'analysis'));
      expect(at.get(100)).to.deep.equal({ left: 700, origin: 'analysis' }); // not stable yet: the analysis alone
      const blended = at.get(300)!;
      expect(blended.origin).to.equal('mixed-analysis');
      expect(blended.left).to.be.closeTo(0.4 * 800 + 0.6 * 1000 - 300, 1e-6);
      expect(at.get(600)!.origin).to.equal('estimate');
      expect(at.get(600)!.left).to.be.closeTo(400, 1e-6);
    });
  });

  describe("a printer's print clock (one per card)", () => {
    const printing = { printing: true, operational: true };
    const state = (file: string | null, completion: number | null, printTime: number | null, flags: Record<string, boolean> = printing, estimatedPrintTime: number | null = 100) => ({
      state: { flags },
      job: { file: { origin: 'local', path: file }, estimatedPrintTime },
      progress: { completion, printTime },
    });

    it('gives the time left of a running print from its analysis, in human units', () => {
      const clock = new PrintClock();
      const reading = clock.update(state('a.gcode', 10, 10));
      expect(reading).to.deep.equal({ elapsed: 10, left: 90, origin: 'analysis', active: true, analysed: 100 });
      expect(timeLeftText(reading)).to.equal('1 min 30 s left');
      expect(timeLeftText(clock.update(state('a.gcode', 1, 36, printing, 3725 + 36)))).to.equal('1 h 02 min left');
    });

    it('says it is estimating while nothing can be trusted, and shows the analysis when idle', () => {
      const clock = new PrintClock();
      expect(timeLeftText(clock.update(state('a.gcode', 10, 60, printing, null)))).to.equal('estimating time left…');
      const idle = clock.update(state('a.gcode', null, null, { operational: true }, 245));
      expect(idle.active).to.equal(false);
      expect(timeLeftText(idle)).to.equal('about 4 min 05 s to print');
      expect(timeLeftText(clock.update(state(null, null, null, { operational: true }, null)))).to.equal('');
    });

    it("says a finished print is done, with its time, rather than 100 % and the file's analysis", () => {
      const clock = new PrintClock();
      expect(progressText(42, clock.update(state('a.gcode', 42, 42)))).to.equal('42.0 % · 58 s left');
      expect(progressText(100, clock.update(state('a.gcode', 100, 95, { operational: true })))).to.equal('done in 1 min 35 s');
      expect(progressText(100, clock.update(state('a.gcode', 100, null, { operational: true })))).to.equal('done');
      // cancelled part way: the share printed, and the analysis of a new run
      expect(progressText(40, clock.update(state('a.gcode', 40, 40, { operational: true })))).to.equal('40.0 % · about 1 min 40 s to print');
      expect(progressText(null, clock.update(state('a.gcode', null, null, { operational: true })))).to.equal('about 1 min 40 s to print');
    });

    it('starts over for another file or when the print time goes back (a new run of the same file)', () => {
      // a long print makes the progress estimate stable; a run after it must not inherit it
      const clock = new PrintClock();
      const long = (file: string) => {
        let last = clock.update(state(file, 0.1, 1, printing, null));
        for (let t = 2; t < 700; t++) last = clock.update(state(file, t / 10, t, printing, null));
        return last;
      };
      expect(long('a.gcode').origin).to.equal('estimate');
      expect(clock.update(state('b.gcode', 10, 5, printing, null))).to.include({ left: null, origin: 'linear' });
      expect(long('b.gcode').origin).to.equal('estimate');
      expect(clock.update(state('b.gcode', 10, 5, printing, null))).to.include({ left: null, origin: 'linear' });
    });
  });

  it('puts temperatures in a line, actual / target, from a push point or an /api/printers entry', () => {
    expect(describeTemperatures({ time: 1700000000, bed: { actual: 21.3, target: 0 }, chamber: { actual: 30, target: 0 }, tool1: { actual: 20, target: 0 }, tool0: { actual: 209.84, target: 210 } })).to.equal(
      'tool0 209.8 / 210 °C · tool1 20.0 / 0 °C · bed 21.3 / 0 °C · chamber 30.0 / 0 °C',
    );
    expect(describeTemperatures({ tool0: { actual: 20, target: null, offset: 0 } })).to.equal('tool0 20.0 °C');
    expect(describeTemperatures({})).to.equal('');
    expect(describeTemperatures(null)).to.equal('');
  });

  it('describes events in a line, with names, units and no JSON', () => {
    expect(describeEvent('Upload', { name: 'é.gcode', path: 'dir/é.gcode', target: 'local' })).to.equal('uploaded dir/é.gcode');
    expect(describeEvent('PrintDone', { name: 'cube.gcode', path: 'cube.gcode', origin: 'local', time: 3725.2 })).to.equal('print done: cube.gcode in 1 h 02 min');
    expect(describeEvent('ZChange', { old: 0.2, new: 0.4 })).to.equal('Z 0.2 → 0.4 mm');
    expect(describeEvent('MetadataAnalysisFinished', { name: 'a.gcode', path: 'a.gcode', result: { estimatedPrintTime: 85.3, filament: {} } })).to.equal(
      'analysed a.gcode: about 1 min 25 s to print',
    );
    expect(describeEvent('plugin_printing_events_PrintProgress', { name: 'a.gcode', path: 'dir/a.gcode', progress: 20, completion: 20.14, printTime: 6, printTimeLeft: 372.8 })).to.equal(
      'dir/a.gcode at 20.1 % · 6 min 13 s left',
    );
    expect(describeEvent('plugin_printing_events_PrintProgress', { path: 'a.gcode', progress: 10 })).to.equal('a.gcode at 10 %');
    expect([eventLabel('plugin_printing_events_PrintProgress'), eventLabel('plugin_mqtt_Connected'), eventLabel('PrintDone'), eventLabel('plugin_x')]).to.deep.equal([
      'PrintProgress',
      'Connected',
      'PrintDone',
      'plugin_x',
    ]);
    expect(describeEvent('ClientClosed', { remoteAddress: '127.0.0.1' })).to.equal('a client from 127.0.0.1 left');
    expect(describeEvent('Home', { printer: 'p2' })).to.equal('G28 sent: homing');
    expect(describeEvent('EStop', { printer: 'p2' })).to.equal('M112 sent: emergency stop');
    expect(describeEvent('plugin_example_Progress', { printer: 'p2', step: 3 })).to.equal('step 3');
    const generic = describeEvent('plugin_example_Progress', {
      name: 'a.gcode',
      path: 'a.gcode',
      origin: 'local',
      file: '/tmp/x/a.gcode',
      progress: 12,
      completion: 12.345678,
      printTimeLeft: 372.8273212014908,
      nested: { a: 1 },
      list: [1, 2],
    });
    expect(generic).to.equal('name a.gcode · path a.gcode · progress 12 % · completion 12.3 % · printTimeLeft 6 min 13 s · nested … · list 1, 2');
    expect(describeEvent('Custom', { text: 'x'.repeat(200) }).length).to.be.below(80);
    // a file name holding right-to-left text or a direction override is isolated: the words after it read as written
    expect(describeEvent('PrintDone', { name: 'abc\u202Eedoc.gcode', path: 'abc\u202Eedoc.gcode', time: 5 })).to.equal('print done: \u2068abc\u202Eedoc.gcode\u2069 in 5 s');
    expect(describeEvent('Upload', { name: 'שלום.gcode', path: 'שלום.gcode', target: 'sdcard' })).to.equal('uploaded \u2068שלום.gcode\u2069 (sdcard)');
  });
});

/**
 * Timelapses through the whole host with the real ffmpeg and cuttle's own test-pattern camera:
 * timed and zchange recordings over prints on the simulated printer rendered to a real movie
 * (checked with ffprobe), CaptureFailed with the camera down, MovieFailed no_frames, unrendered
 * sets, and the REST API. The timelapse follows the printer's signals, not bus events.
 */
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { PrinterService } from '../../core/printer/printer-service.js';
import { timelapseSettings, webcamSettings } from '../../core/timelapse/settings.js';
import { TimelapseService } from '../../core/timelapse/timelapse-service.js';
import type { TestHost } from '../support/host.js';
import { api, nextEvent, record } from '../slicing/support.js';
import { startApiHost } from '../api/support.js';
import { startTestHost } from '../support/host.js';
import { fastSerial } from '../printer/helpers.js';
import { layerGcode, printGcode, probe, zChanges } from './support.js';
import { keyHeaders } from '../support/http.js';
import { waitFor } from '../support/wait.js';
import { PrinterRegistry } from '../../core/printers/printer-registry.js';

/** A host with the simulated printer connected; speedFactor 1 so that dwells take real time. */
async function printerHost(config: Record<string, unknown>): Promise<TestHost> {
  const t = await startApiHost({ config: { ...fastSerial({ speedFactor: 1 }), ...config } });
  await t.get<PrinterRegistry>(PrinterRegistry).first()!.printer.connect();
  return t;
}

async function stopHost(t: TestHost | undefined): Promise<void> {
  await t?.get<PrinterRegistry>(PrinterRegistry).first()!.printer.disconnect().catch(() => undefined);
  await t?.stop();
}

describe('timelapse (ffmpeg, test-pattern camera)', function () {
  // each test prints on the simulator and renders with ffmpeg: slow on a loaded machine (the suite's five
  // workers on two cores held a three-frame render past 45 s once); these are deadlines, not figures
  this.timeout(150000);
  let t: TestHost;
  let timelapse: TimelapseService;

  before(async () => {
    t = await printerHost({ timelapse: { fps: 10 } });
    timelapse = t.get<PrinterRegistry>(PrinterRegistry).first()!.timelapse;
  });
  after(async () => stopHost(t));

  it('serves a fresh JPEG per request at the test-pattern endpoint, without a key', async () => {
    const a = Buffer.from(await (await fetch(`${t.baseUrl}/webcam/test-pattern.jpg`)).arrayBuffer());
    const b = Buffer.from(await (await fetch(`${t.baseUrl}/webcam/test-pattern.jpg`)).arrayBuffer());
    expect([...a.subarray(0, 3)]).to.deep.equal([0xff, 0xd8, 0xff]);
    expect(a.equals(b)).to.equal(false);
  });

  it('records a zchange timelapse and renders it with post-roll', async () => {
    await timelapse.configure({ type: 'zchange', postRoll: 0.5, zchangeDelayMs: 0 }, false);
    const events = record(t.host.bus);
    const done = nextEvent(t.host.bus, 'MovieDone');
    await printGcode(t, 'layers.gcode', layerGcode(6, { dwellMs: 50 }));
    const movieDone = await done;
    expect(movieDone.gcode).to.equal('layers.gcode');
    expect(movieDone.movie_basename).to.match(/^layers_\d{14}\.mp4$/);
    const movie = movieDone.movie as string;
    const { frames, duration, width } = probe(movie);
    expect(frames).to.equal(6 + 5, '6 frames and 0.5 s of post-roll at 10 fps');
    expect(duration).to.be.closeTo(1.1, 0.05);
    expect(width).to.equal(320);
    await t.host.bus.idle(2000);
    const captures = events.filter((e) => e.name === 'CaptureDone');
    expect(captures).to.have.length(6);
    expect(events.filter((e) => e.name === 'CaptureStart')).to.have.length(6);
    expect(events.find((e) => e.name === 'MovieRendering')?.payload).to.deep.equal(movieDone);
    // frames cleaned up
    expect(await timelapse.unrendered()).to.deep.equal([]);
    await fs.access((captures[0]!.payload as { file: string }).file).then(
      () => expect.fail('frame left behind'),
      () => undefined,
    );
  });

  it('waits the zchange delay, and still takes the frames whose delay outlasts the print', async () => {
    await timelapse.configure({ type: 'zchange', postRoll: 0, zchangeDelayMs: 300 }, false);
    const captured: number[] = [];
    const sub = timelapse.onCaptureStart(() => captured.push(Date.now()));
    const done = nextEvent(t.host.bus, 'MovieDone');
    const printed = nextEvent(t.host.bus, 'PrintDone');
    const z = zChanges(t);
    await printGcode(t, 'delayed.gcode', layerGcode(2));
    await printed;
    expect(captured, 'the print ended before the delay was over').to.have.length(0);
    const movie = await done;
    sub.dispose();
    z.dispose();
    expect(captured).to.have.length(2);
    expect(captured[0]! - z.times[0]!).to.be.at.least(290, 'not before the delay');
    expect(probe(movie.movie as string).frames).to.equal(2);
    await timelapse.configure({ zchangeDelayMs: 0 }, false);
  });

  it('records a timed timelapse and serves it over REST', async () => {
    const set = await api(t, 'POST', '/api/timelapse', { type: 'timed', interval: 0.25, postRoll: 0, fps: 10 });
    expect(set.status).to.equal(200);
    expect(set.json.config).to.include({ type: 'timed', interval: 0.25, fps: 10, postRoll: 0 });
    const done = nextEvent(t.host.bus, 'MovieDone');
    const printed = nextEvent(t.host.bus, 'PrintDone');
    const captured: string[] = [];
    const sub = timelapse.onCaptureDone((e) => captured.push(e.file));
    await printGcode(t, 'timed.gcode', layerGcode(0, { dwellMs: 1000 }));
    const { time } = (await printed) as { time: number };
    const movieDone = await done;
    sub.dispose();
    const { frames, duration } = probe(movieDone.movie as string);
    expect(frames).to.equal(captured.length);
    // one frame at the start, then at most one per interval of the print's own reported duration
    // (a loaded machine fires the interval late, so fewer is fine; more would be a second timer)
    expect(frames).to.be.within(2, Math.floor(time / 0.25) + 1);
    expect(duration).to.be.closeTo(frames / 10, 0.05);

    const listed = await api(t, 'GET', '/api/timelapse');
    expect(listed.json.config.type).to.equal('timed');
    const entry = listed.json.files.find((f: { name: string }) => f.name === movieDone.movie_basename);
    expect(entry).to.include({ url: `/downloads/timelapse/${movieDone.movie_basename}` });
    const download = await fetch(`${t.baseUrl}/api/timelapse/${movieDone.movie_basename}`, { headers: keyHeaders(t.apiKey) });
    expect(download.status).to.equal(200);
    expect(download.headers.get('content-type')).to.equal('video/mp4');
    expect((await download.arrayBuffer()).byteLength).to.equal(entry.bytes);
    expect((await api(t, 'DELETE', `/api/timelapse/${movieDone.movie_basename}`)).status).to.equal(204);
    expect((await api(t, 'GET', `/api/timelapse/${movieDone.movie_basename}`)).status).to.equal(404);
    expect((await api(t, 'GET', '/api/timelapse/..%2Fconfig.yaml')).status).to.equal(404);
  });

  it('keeps frames of a print end not in renderOn, lists them, renders and deletes them on request', async () => {
    t.host.settings.of(timelapseSettings).update({ renderOn: ['done'] });
    await timelapse.configure({ type: 'zchange', postRoll: 0 }, false);
    // a slow camera (its frame comes 1.5 s after the Z change, so after the cancel): the set must stay
    // "recording" until that frame is written, never listed finished without it
    const still = path.join(t.basedir, 'still.jpg');
    execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=64x48', '-frames:v', '1', '-y', still]);
    const slowCamera = [process.execPath, '-e', 'setTimeout(() => require("fs").copyFileSync(process.argv[1], process.argv[2]), 1500)', still, '{file}'];
    t.host.settings.of(webcamSettings).update({ snapshotCommand: slowCamera });
    const printer = t.get<PrinterRegistry>(PrinterRegistry).first()!.printer;
    const cancelled = nextEvent(t.host.bus, 'PrintCancelled');
    await printGcode(t, 'kept.gcode', layerGcode(2, { dwellMs: 5000 }) );
    const z = zChanges(t);
    await waitFor(() => z.count === 1);
    await printer.cancelPrint();
    await cancelled;
    z.dispose();
    await t.host.bus.idle(5000);
    const finished = await waitFor(async () => (await timelapse.unrendered()).find((u) => u.gcode === 'kept.gcode' && !u.recording));
    expect(finished.frames, 'frames of the set once listed as finished').to.equal(1);
    t.host.settings.of(webcamSettings).update({ snapshotCommand: [] });
    const listed = await api(t, 'GET', '/api/timelapse');
    const set = listed.json.unrendered.find((u: { gcode: string }) => u.gcode === 'kept.gcode');
    expect(set).to.include({ frames: 1, recording: false, rendering: false });
    const done = nextEvent(t.host.bus, 'MovieDone');
    expect((await api(t, 'POST', `/api/timelapse/unrendered/${set.name}`, { command: 'render' })).status).to.equal(204);
    expect(probe((await done).movie as string).frames).to.equal(1);

    // a print that fails (the printer goes away) keeps its frames too
    const failed = nextEvent(t.host.bus, 'PrintFailed');
    const z2 = zChanges(t);
    await printGcode(t, 'dropped.gcode', layerGcode(2, { dwellMs: 5000 }));
    await waitFor(() => z2.count === 1);
    await printer.disconnect();
    await failed;
    z2.dispose();
    await printer.connect();
    await waitFor(async () => (await timelapse.unrendered()).some((u) => u.gcode === 'dropped.gcode' && !u.recording));
    const dropped = (await timelapse.unrendered()).find((u) => u.gcode === 'dropped.gcode')!;
    expect((await api(t, 'DELETE', `/api/timelapse/unrendered/${dropped.name}`)).status).to.equal(204);
    expect((await timelapse.unrendered()).find((u) => u.gcode === 'dropped.gcode')).to.equal(undefined);
    t.host.settings.of(timelapseSettings).update({ renderOn: ['done', 'failed', 'cancelled'] });
  });

  it('keeps a print’s settings when the config changes mid-print, and overlays the watermark', async () => {
    const watermark = path.join(t.basedir, 'mark.png');
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'color=c=red:s=40x20', '-frames:v', '1', '-y', watermark]);
    t.host.settings.of(timelapseSettings).update({ watermark });
    await timelapse.configure({ type: 'zchange', postRoll: 0, fps: 5 }, false);
    // this print's movie (a set an earlier test left may still end meanwhile); its failure ends the wait with the reason
    const mine = (p: Record<string, unknown>) => p.gcode === 'marked.gcode';
    const failed = nextEvent(t.host.bus, 'MovieFailed', 120000, mine).then((p) => Promise.reject(new Error(`MovieFailed: ${JSON.stringify(p)}`)));
    failed.catch(() => undefined);
    const done = Promise.race([nextEvent(t.host.bus, 'MovieDone', 120000, mine), failed]);
    const started = nextEvent(t.host.bus, 'PrintStarted');
    const z = zChanges(t);
    await printGcode(t, 'marked.gcode', layerGcode(3, { leadMs: 1000 }));
    await started;
    expect(z.count, 'configured again before the first layer').to.equal(0);
    await timelapse.configure({ type: 'off', fps: 30 }, false); // for the next print only
    z.dispose();
    const movie = (await done).movie as string;
    t.host.settings.of(timelapseSettings).update({ watermark: '' });
    const { frames, duration } = probe(movie);
    expect(frames).to.equal(3);
    expect(duration).to.be.closeTo(0.6, 0.05, 'rendered at the 5 fps the print started with');
    // the bottom-right corner of the first frame is the red watermark
    const pixel = execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-i', movie, '-frames:v', '1', '-vf', 'crop=w=2:h=2:x=iw-20:y=ih-14', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-']);
    expect(pixel[0]).to.be.greaterThan(200);
    expect(pixel[1]).to.be.lessThan(40);
    expect(pixel[2]).to.be.lessThan(40);
    expect(timelapse.mode).to.equal('off');
  });

  it('fails with no_frames when nothing was captured', async () => {
    await timelapse.configure({ type: 'zchange', fps: 10 }, false);
    const failed = nextEvent(t.host.bus, 'MovieFailed');
    await printGcode(t, 'empty.gcode', layerGcode(0));
    const payload = await failed;
    expect(payload).to.include({ gcode: 'empty.gcode', reason: 'no_frames', returncode: null });
    expect(payload.movie_basename).to.match(/^empty_\d{14}\.mp4$/);
    expect(path.basename(payload.movie as string)).to.equal(payload.movie_basename);
  });
});

describe('timelapse with the camera down', function () {
  this.timeout(20000);
  let t: TestHost;
  before(async () => {
    // a port nothing listens on
    t = await printerHost({ timelapse: { type: 'zchange' }, webcam: { snapshotUrl: 'http://127.0.0.1:9/snapshot', snapshotTimeoutMs: 2000 } });
  });
  after(async () => stopHost(t));

  it('fires CaptureFailed with the error, then MovieFailed no_frames', async () => {
    const failedCapture = nextEvent(t.host.bus, 'CaptureFailed');
    const failedMovie = nextEvent(t.host.bus, 'MovieFailed');
    await printGcode(t, 'dark.gcode', layerGcode(1));
    const capture = await failedCapture;
    expect(capture.file).to.match(/frame-000001\.jpg$/);
    expect(capture.error).to.contain('camera unreachable at http://127.0.0.1:9/snapshot');
    expect(await failedMovie).to.include({ reason: 'no_frames' });
  });

  it('fires CaptureFailed when the camera answers something that is not an image', async () => {
    t.host.settings.of(webcamSettings).update({ snapshotUrl: `${t.baseUrl}/api/version` });
    const failedCapture = nextEvent(t.host.bus, 'CaptureFailed');
    const movieFailed = nextEvent(t.host.bus, 'MovieFailed');
    await printGcode(t, 'text.gcode', layerGcode(1));
    expect((await failedCapture).error).to.match(/HTTP 403|not an image/);
    await movieFailed;
  });

  it('captures with a command (argv, no shell) writing {file}', async () => {
    // ffmpeg starting on a loaded machine can take longer than the 2 s this camera-down host allows
    t.host.settings.of(webcamSettings).update({ snapshotTimeoutMs: 15000 });
    t.host.settings.of(webcamSettings).update({ snapshotCommand: ['ffmpeg', '-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=1', '-frames:v', '1', '-y', '{file}'] });
    const done = nextEvent(t.host.bus, 'MovieDone');
    await printGcode(t, 'cmd.gcode', layerGcode(2));
    const movie = await done;
    const { frames, width } = probe(movie.movie as string);
    expect(frames).to.equal(2);
    expect(width).to.equal(64);
  });

  it("captures from the printer's own camera (its entry's webcams) before the host's", async () => {
    const registry = t.get<PrinterRegistry>(PrinterRegistry);
    // the host's camera is still down and its command still set: only the printer's camera (the test pattern, 320 px wide) makes these frames
    await registry.update(registry.first()!.id, { webcams: [{ name: 'Bed cam', snapshotUrl: `${t.baseUrl}/webcam/test-pattern.jpg` }] });
    const done = nextEvent(t.host.bus, 'MovieDone');
    await printGcode(t, 'own.gcode', layerGcode(2));
    const { frames, width } = probe((await done).movie as string);
    expect(frames).to.equal(2);
    expect(width).to.equal(320);
  });
});

describe('timelapse configuration', () => {
  for (const [key, value] of [
    ['renderOn', ['sometimes']],
    ['fps', 0],
    ['nice', 25],
  ] as const) {
    it(`refuses timelapse.${key} = ${JSON.stringify(value)} naming the key`, async () => {
      try {
        const t = await startTestHost({ config: { timelapse: { [key]: value } }, noStart: true });
        await t.stop();
      } catch (err) {
        expect((err as Error).message).to.contain(`timelapse.${key}`);
        return;
      }
      expect.fail('the bad value was accepted');
    });
  }
});

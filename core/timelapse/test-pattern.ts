/**
 * cuttle's own camera: `GET /webcam/test-pattern.jpg` answers a fresh JPEG made by ffmpeg on each
 * request (a test pattern whose hue turns a little every time), so timelapses work with no camera.
 * Public (it shows nothing of the printer), and only served when `webcam.testPattern` is on. One
 * ffmpeg at a time: requests that arrive while a frame is being made get that frame.
 */
import { spawn } from 'node:child_process';
import { inject, injectable } from 'inversify';
import { HttpError } from '../http/http-error.js';
import { HttpServer } from '../http/http-server.js';
import { type RouteContribution, type Routes } from '../http/routes.js';
import { SettingsService } from '../settings/settings-service.js';
import { timelapseSettings, webcamSettings } from './settings.js';

export const TEST_PATTERN_PATH = '/webcam/test-pattern.jpg';

@injectable()
export class TestPatternCamera implements RouteContribution {
  readonly owner = 'timelapse';
  private counter = 0;
  private making: Promise<Buffer> | undefined;

  constructor(
    @inject(HttpServer) private readonly http: HttpServer,
    @inject(SettingsService) private readonly settings: SettingsService,
  ) {}

  /** The snapshot URL of the test pattern on this server. */
  url(): string {
    return `${this.http.baseUrl()}${TEST_PATTERN_PATH}`;
  }

  registerRoutes(routes: Routes): void {
    if (!this.settings.of(webcamSettings).get().testPattern) return;
    routes.get(TEST_PATTERN_PATH, 'public', async (ctx) => {
      ctx.set('Cache-Control', 'no-store');
      ctx.type = 'image/jpeg';
      this.making ??= this.frame().finally(() => (this.making = undefined));
      ctx.body = await this.making;
    });
  }

  /** One 320×240 JPEG. */
  frame(): Promise<Buffer> {
    const hue = (this.counter++ * 15) % 360;
    const args = ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=1', '-frames:v', '1', '-vf', `hue=h=${hue}`, '-f', 'image2pipe', '-c:v', 'mjpeg', '-'];
    return new Promise((resolve, reject) => {
      const child = spawn(this.settings.of(timelapseSettings).get().ffmpeg, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      let err = '';
      child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
      child.once('error', (e) => reject(new HttpError(503, `test pattern unavailable: ${e.message}`)));
      child.once('close', (code) =>
        code === 0 ? resolve(Buffer.concat(out)) : reject(new HttpError(503, `test pattern unavailable: ffmpeg exited with ${code} ${err.trim()}`)),
      );
    });
  }
}

/**
 * Renders a frame folder to a movie with ffmpeg (argv, no shell): frames are renumbered into one
 * gap-free sequence (failed captures leave gaps), the last frame is repeated for the post-roll, and
 * ffmpeg runs niced with few threads so that a print running meanwhile keeps its CPU.
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface RenderOptions {
  ffmpeg: string;
  fps: number;
  bitrate: string;
  postRoll: number;
  /** PNG overlaid bottom right, '' for none */
  watermark: string;
  threads: number;
  nice: number;
  /** aborting stops ffmpeg (host shutdown); the frames stay for a later render */
  signal?: AbortSignal;
}

export type RenderResult =
  | { ok: true }
  | { ok: false; reason: 'no_frames' | 'returncode' | 'unknown'; returncode: number | null; message: string };

export const FRAME_PATTERN = /^frame-\d+\.jpg$/;
const SEQUENCE = 'render-%06d.jpg';

/** The frames of a set, in capture order. */
export async function listFrames(dir: string): Promise<string[]> {
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  return names.filter((n) => FRAME_PATTERN.test(n)).sort();
}

export async function renderMovie(frameDir: string, movie: string, options: RenderOptions): Promise<RenderResult> {
  const frames = await listFrames(frameDir);
  if (frames.length === 0) return { ok: false, reason: 'no_frames', returncode: null, message: 'no frames were captured' };
  const work = await fs.mkdtemp(path.join(frameDir, 'render-'));
  try {
    const extra = Math.max(0, Math.round(options.postRoll * options.fps));
    const sequence = [...frames, ...Array<string>(extra).fill(frames[frames.length - 1]!)];
    // hard links are free; a copy is the fallback on file systems without them
    await Promise.all(
      sequence.map((frame, i) => {
        const target = path.join(work, SEQUENCE.replace('%06d', String(i + 1).padStart(6, '0')));
        return fs.link(path.join(frameDir, frame), target).catch(() => fs.copyFile(path.join(frameDir, frame), target));
      }),
    );
    const partial = `${movie}.part.mp4`;
    const result = await runFfmpeg(options, ffmpegArgs(path.join(work, SEQUENCE), partial, options));
    if (result.ok) await fs.rename(partial, movie);
    else await fs.rm(partial, { force: true });
    return result;
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}

export function ffmpegArgs(input: string, output: string, options: RenderOptions): string[] {
  // libx264 with yuv420p needs even dimensions
  const even = 'scale=trunc(iw/2)*2:trunc(ih/2)*2';
  const filter = options.watermark
    ? ['-i', options.watermark, '-filter_complex', `[0:v]${even}[base];[base][1:v]overlay=main_w-overlay_w-10:main_h-overlay_h-10`]
    : ['-vf', even];
  return [
    '-y',
    '-hide_banner',
    '-loglevel',
    'error',
    '-framerate',
    String(options.fps),
    '-i',
    input,
    ...filter,
    '-c:v',
    'libx264',
    '-b:v',
    options.bitrate,
    '-pix_fmt',
    'yuv420p',
    '-r',
    String(options.fps),
    '-threads',
    String(Math.max(1, options.threads)),
    '-f',
    'mp4',
    output,
  ];
}

function runFfmpeg(options: RenderOptions, args: string[]): Promise<RenderResult> {
  return new Promise((resolve) => {
    const child = spawn(options.ffmpeg, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
    const stop = () => child.kill('SIGTERM');
    options.signal?.addEventListener('abort', stop, { once: true });
    child.once('close', () => options.signal?.removeEventListener('abort', stop));
    if (child.pid !== undefined && options.nice > 0) {
      try {
        os.setPriority(child.pid, Math.min(19, options.nice));
      } catch {
        // not permitted here: ffmpeg still runs with few threads
      }
    }
    child.once('error', (err) => resolve({ ok: false, reason: 'unknown', returncode: null, message: `could not run ${options.ffmpeg}: ${err.message}` }));
    child.once('close', (code, signal) => {
      if (code === 0) resolve({ ok: true });
      else if (code !== null) resolve({ ok: false, reason: 'returncode', returncode: code, message: stderr.trim() || `ffmpeg exited with ${code}` });
      else resolve({ ok: false, reason: 'unknown', returncode: null, message: `ffmpeg was stopped by ${signal}` });
    });
  });
}

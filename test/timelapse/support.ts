/** Helpers for the timelapse tests: what ffprobe says of a movie, and the spec's file reference for a name. */
import { execFileSync } from 'node:child_process';
import type { FileRef } from '../../core/events/catalogue.js';

/** Frame count (decoded), duration and width of a movie's video stream. */
export function probe(movie: string): { frames: number; duration: number; width: number } {
  const out = execFileSync('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames,width:format=duration', '-of', 'json', movie]);
  const json = JSON.parse(out.toString()) as { streams: { nb_read_frames: string; width: number }[]; format: { duration: string } };
  return { frames: Number(json.streams[0]!.nb_read_frames), duration: Number(json.format.duration), width: json.streams[0]!.width };
}

export function fileRef(name: string): FileRef {
  return { name, path: name, origin: 'local', file: name, filename: name };
}

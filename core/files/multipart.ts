/**
 * Multipart upload parsing with busboy, as OctoPrint's upload endpoint reads it: a `file` part and
 * form fields (`path`, `select`, `print`, `foldername`, …) in any order. The file part streams
 * straight into the storage's temporary folder; a name with an unsupported extension is drained
 * without writing anything; the size limit is enforced while streaming. Paths in file names are kept
 * (`preservePath`) so that `../x.gcode` is refused rather than silently renamed. File names are UTF-8,
 * whether sent raw in `filename="…"` (browsers, curl, PrusaSlicer) or as RFC 5987 `filename*=UTF-8''…`
 * (which wins when both are there); busboy's own default would read the raw bytes as latin1.
 */
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import type Koa from 'koa';
import type { FileManager, StagedUpload } from './file-manager.js';
import { requireType } from './paths.js';
import { HttpError } from '../http/http-error.js';

export interface ParsedUpload {
  fields: Record<string, string>;
  file?: { filename: string; staged: StagedUpload };
}

/** Where the file part goes: the storage's temporary folder (FileManager), or another's (a backup to restore). */
export type UploadStager = Pick<FileManager, 'stageUpload' | 'discardUpload'>;

/** `accept` refuses a file name by throwing (an HttpError's status is answered); by default, a type the storage holds. */
export async function parseUpload(ctx: Koa.Context, files: UploadStager, maxBytes: number, accept: (filename: string) => void = requireType): Promise<ParsedUpload> {
  if (!ctx.is('multipart/form-data')) throw new HttpError(400, 'expected a multipart/form-data upload');
  let parser: busboy.Busboy;
  try {
    // one byte over the limit lets the stager see the excess and refuse with 413
    parser = busboy({ headers: ctx.req.headers, preservePath: true, defParamCharset: 'utf8', limits: { files: 1, fields: 32, fieldSize: 64 * 1024, fileSize: maxBytes + 1 } });
  } catch (err) {
    throw new HttpError(400, `bad multipart request: ${(err as Error).message}`);
  }
  const fields: Record<string, string> = {};
  let staging: Promise<{ filename: string; staged: StagedUpload }> | undefined;
  let refused: unknown;
  const fileStreams: Readable[] = [];

  const done = new Promise<void>((resolve, reject) => {
    // a client gone mid-upload: end the file stream with an error so that its temporary file goes
    const abort = (err: HttpError) => {
      for (const stream of fileStreams) stream.destroy(err);
      reject(err);
    };
    ctx.req.on('close', () => {
      if (!ctx.req.complete) abort(new HttpError(400, 'the upload was interrupted'));
    });
    parser.on('field', (name, value) => {
      fields[name] = value;
    });
    parser.on('file', (name, stream, info) => {
      // errors of a part (a form cut short) are the parser's to report; none may go unhandled
      stream.on('error', () => undefined);
      if (name !== 'file' || staging || refused) {
        stream.resume();
        return;
      }
      const filename = info.filename ?? '';
      try {
        // bytes that are not UTF-8 would be stored as U+FFFD: refuse rather than keep a name nobody sent
        if (filename.includes('\uFFFD')) throw new HttpError(400, 'the file name is not valid UTF-8');
        accept(filename);
      } catch (err) {
        refused = err;
        stream.resume();
        return;
      }
      fileStreams.push(stream);
      const staged = files.stageUpload(stream).then((s) => ({ filename, staged: s }));
      staging = staged;
      // the stager reports its own failure; keep the parser draining the request meanwhile
      staged.catch((err: unknown) => {
        refused ??= err;
        stream.resume();
      });
    });
    parser.on('close', () => resolve());
    parser.on('error', (err: Error) => abort(new HttpError(400, `bad multipart request: ${err.message}`)));
  });
  ctx.req.pipe(parser);
  try {
    await done;
  } catch (err) {
    const file = staging ? await staging.catch(() => undefined) : undefined;
    if (file) await files.discardUpload(file.staged);
    throw err;
  }
  const file = staging ? await staging.catch(() => undefined) : undefined;
  if (refused) {
    if (file) await files.discardUpload(file.staged);
    throw refused;
  }
  return { fields, file };
}

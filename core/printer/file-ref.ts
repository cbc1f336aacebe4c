/** The spec's file reference payload (with the deprecated `file` and `filename`) for a job file. */
import type { FileRef } from '../events/catalogue.js';
import type { JobFile } from './printer-service.js';

export function jobFileRef(file: JobFile): FileRef {
  return {
    name: file.name,
    path: file.path,
    origin: file.origin,
    file: file.origin === 'local' && file.diskPath ? file.diskPath : file.path,
    filename: file.name,
  };
}

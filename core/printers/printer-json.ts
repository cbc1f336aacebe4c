/**
 * One printer as `GET /api/printers` lists it: id, name, OctoPrint's `state` (text and flags), `job`,
 * `progress` and `temperatures` shapes (the same builders as /api/job and /api/printer), the base URL
 * of its OctoPrint surface and its own `listen` port (with why it is not served, when it is not).
 */
import type { FileManager } from '../files/file-manager.js';
import { jobDetailsOf, jobJson, progressJson, stateFlags, temperatureJson, type JobJson, type ProgressJson, type StateFlags } from '../printer/octoprint-views.js';
import type { PrinterScope } from './printer-registry.js';

export interface PrinterJson {
  id: string;
  name: string;
  state: { text: string; flags: StateFlags };
  job: JobJson;
  progress: ProgressJson;
  temperatures: Record<string, { actual: number; target: number | null; offset: number }>;
  /** `<main base url>/printer/<id>/` */
  baseUrl: string;
  listen: number | null;
  /** why `listen` is not served (the port in use, say); null when it is, or when there is none */
  listenError: string | null;
}

/** `mainBaseUrl` without a trailing slash, e.g. `http://127.0.0.1:5000`. */
export async function printerJson(scope: PrinterScope, mainBaseUrl: string, files: FileManager, user: string | null, listenError: string | null = null): Promise<PrinterJson> {
  const snapshot = scope.printer.snapshot();
  // an SD job's file is on this printer's card
  const file = snapshot.job ? await files.forPrinter(scope.printer).jobDetailsFile(snapshot.job.origin, snapshot.job.path) : undefined;
  return {
    id: scope.id,
    name: scope.entry.name,
    state: { text: snapshot.state.text, flags: stateFlags(snapshot.state.id, scope.printer.sd.ready) },
    job: jobJson(snapshot.job, jobDetailsOf(file, user)),
    progress: progressJson(snapshot.progress),
    temperatures: temperatureJson(snapshot.temperatures),
    baseUrl: `${mainBaseUrl}${scope.basePath}/`,
    listen: scope.entry.listen ?? null,
    listenError,
  };
}

/**
 * `server.history.*` from cuttle's job history (core/history), this printer's jobs only. Deleting
 * jobs is an admin's (it rewrites the record everyone shares); `reset_totals` starts this printer's
 * totals afresh from now, the jobs themselves kept, the time kept in Moonraker's own namespace.
 */
import { inject, injectable } from 'inversify';
import { JobHistory, type JobRecord, type JobResult } from '../../history/api.js';
import { MOONRAKER_NAMESPACE, MoonrakerDatabase } from '../database-store.js';
import { RPC_INVALID_PARAMS, RpcError, type Params, type RpcCall, type RpcMethod, type RpcMethodContribution } from '../rpc.js';
import { MoonrakerWebsocket } from '../websocket.js';

/** where the totals' reset time is kept */
const TOTALS_RESET_KEY = 'history.totals_reset_ms';

const STATUS: Record<JobResult, string> = { printing: 'in_progress', done: 'completed', failed: 'error', cancelled: 'cancelled', interrupted: 'interrupted' };

/** a job as Moonraker's history gives it (job_id as a hex string, times in epoch seconds) */
export function historyJob(job: JobRecord) {
  const start = Date.parse(job.started) / 1000;
  const end = job.ended ? Date.parse(job.ended) / 1000 : null;
  return {
    job_id: job.id.toString(16).toUpperCase().padStart(6, '0'),
    user: job.user,
    filename: job.file.path,
    exists: true,
    status: STATUS[job.result],
    start_time: start,
    end_time: end,
    print_duration: job.printTime ?? 0,
    total_duration: end !== null ? end - start : Date.now() / 1000 - start,
    filament_used: job.filament ?? 0,
    metadata: {},
    auxiliary_data: [],
  };
}

@injectable()
export class HistoryMethods implements RpcMethodContribution {
  constructor(
    @inject(JobHistory) private readonly history: JobHistory,
    @inject(MoonrakerDatabase) private readonly db: MoonrakerDatabase,
    @inject(MoonrakerWebsocket) private readonly websocket: MoonrakerWebsocket,
  ) {}

  methods(): Record<string, RpcMethod> {
    return {
      'server.history.list': {
        permission: 'STATUS',
        handle: (params, call) => {
          const limit = params.integer('limit', 50, 1, 1000);
          const offset = params.integer('start', 0, 0, Number.MAX_SAFE_INTEGER);
          const since = params.number('since', 0);
          const before = params.number('before', 0);
          const { jobs, total } = this.history.list({
            printer: call.printer.id,
            limit,
            offset,
            ...(since > 0 ? { from: since * 1000 } : {}),
            ...(before > 0 ? { to: before * 1000 } : {}),
          });
          const answered = jobs.map(historyJob);
          if (params.string('order', 'desc') === 'asc') answered.reverse();
          return { count: total, jobs: answered };
        },
      },
      'server.history.totals': { permission: 'STATUS', handle: (_p, call) => ({ job_totals: this.totals(call), auxiliary_totals: [] }) },
      'server.history.get_job': { permission: 'STATUS', handle: (params, call) => ({ job: historyJob(this.job(params, call)) }) },
      'server.history.delete_job': {
        permission: 'ADMIN',
        handle: (params, call) => {
          const all = params.boolean('all', false);
          const deleted = all ? this.history.delete({ printer: call.printer.id }) : this.history.delete({ id: this.job(params, call).id });
          if (!all && deleted.length === 0) throw new RpcError(409, 'A running job cannot be deleted');
          for (const job of deleted) this.websocket.broadcast(call.printer.id, 'notify_history_changed', [{ action: 'deleted', job: historyJob(job) }]);
          return { deleted_jobs: deleted.map((job) => historyJob(job).job_id) };
        },
      },
      'server.history.reset_totals': {
        permission: 'ADMIN',
        handle: (_p, call) => {
          if (this.history.list({ printer: call.printer.id, result: 'printing', limit: 1, offset: 0 }).total > 0) throw new RpcError(409, 'Job in progress, cannot reset totals');
          const last = this.totals(call);
          this.db.post(call.printer.id, MOONRAKER_NAMESPACE, TOTALS_RESET_KEY, Date.now());
          return { last_totals: last, last_auxiliary_totals: [] };
        },
      },
    };
  }

  /** the job `uid` names (Moonraker's hex id), this printer's only; 404 otherwise */
  private job(params: Params, call: RpcCall): JobRecord {
    const uid = params.string('uid');
    if (!/^[0-9a-fA-F]{1,12}$/.test(uid)) throw new RpcError(RPC_INVALID_PARAMS, 'Invalid job uid: hexadecimal digits');
    const job = this.history.get(parseInt(uid, 16));
    if (!job || job.printer !== call.printer.id) throw new RpcError(404, `Invalid job uid: ${uid}`);
    return job;
  }

  /** this printer's totals since the last reset_totals */
  private totals(call: RpcCall) {
    let since: number | undefined;
    try {
      since = this.db.get(call.printer.id, MOONRAKER_NAMESPACE, TOTALS_RESET_KEY) as number;
    } catch {
      since = undefined;
    }
    const totals = this.history.totals({ printer: call.printer.id, ...(since !== undefined ? { from: since } : {}) });
    return { total_jobs: totals.jobs, total_time: totals.printTime, total_print_time: totals.printTime, total_filament_used: totals.filament, longest_job: totals.longestJob, longest_print: totals.longestPrint };
  }
}

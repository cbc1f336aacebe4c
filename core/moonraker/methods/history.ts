/** `server.history.*` from cuttle's job history (core/history), this printer's jobs only. */
import { inject, injectable } from 'inversify';
import { JobHistory, type JobRecord, type JobResult } from '../../history/api.js';
import type { RpcMethod, RpcMethodContribution } from '../rpc.js';

const STATUS: Record<JobResult, string> = { printing: 'in_progress', done: 'completed', failed: 'error', cancelled: 'cancelled', interrupted: 'interrupted' };

/** a job as Moonraker's history gives it (job_id as a hex string, times in epoch seconds) */
export function historyJob(job: JobRecord) {
  const start = Date.parse(job.started) / 1000;
  const end = job.ended ? Date.parse(job.ended) / 1000 : null;
  return {
    job_id: job.id.toString(16).padStart(6, '0'),
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
  constructor(@inject(JobHistory) private readonly history: JobHistory) {}

  methods(): Record<string, RpcMethod> {
    return {
      'server.history.list': {
        permission: 'STATUS',
        handle: (params, call) => {
          const limit = Math.max(1, Math.min(1000, Math.floor(params.number('limit', 50))));
          const offset = Math.max(0, Math.floor(params.number('start', 0)));
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
      'server.history.totals': {
        permission: 'STATUS',
        handle: (_p, call) => {
          const totals = this.history.totals({ printer: call.printer.id });
          return {
            job_totals: { total_jobs: totals.jobs, total_time: totals.printTime, total_print_time: totals.printTime, total_filament_used: totals.filament, longest_job: 0, longest_print: 0 },
            auxiliary_totals: [],
          };
        },
      },
    };
  }
}

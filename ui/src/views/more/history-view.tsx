/** Past jobs (`/api/history`): outcome, duration and filament per job, totals per printer; filtered by printer and outcome. */
import { useState } from 'preact/hooks';
import { useLatestLoad } from '../../components/use-latest-load.js';
import { api, reasonOf } from '../../api/http.js';
import type { HistoryTotals, JobRecord, JobResult } from '../../api/types.js';
import { Notice } from '../../components/notice.js';
import { PrinterFilter, usePrinterNames } from '../../components/printer-filter.js';
import { dateAndTime, formatDuration } from '../../lib/format.js';

const RESULTS: JobResult[] = ['done', 'failed', 'cancelled', 'interrupted', 'printing'];
const metres = (mm: number | null) => (mm == null ? '–' : `${(mm / 1000).toFixed(2)} m`);

export function HistoryView() {
  const printers = usePrinterNames();
  const [printer, setPrinter] = useState('');
  const [result, setResult] = useState('');
  const [jobs, setJobs] = useState<{ jobs: JobRecord[]; total: number } | null>(null);
  const [totals, setTotals] = useState<HistoryTotals | null>(null);
  const [error, setError] = useState<string | null>(null);
  useLatestLoad(
    () => {
      const query = new URLSearchParams({ limit: '200', ...(printer ? { printer } : {}), ...(result ? { result } : {}) });
      return Promise.all([api<{ jobs: JobRecord[]; total: number }>('GET', `api/history?${query}`), api<HistoryTotals>('GET', `api/history/totals${printer ? `?printer=${encodeURIComponent(printer)}` : ''}`)]);
    },
    ([j, t]) => (setJobs(j), setTotals(t), setError(null)),
    (err) => setError(reasonOf(err)),
    [printer, result],
  );
  return (
    <section class="panel" aria-labelledby="history-h">
      <header>
        <h1 id="history-h">History</h1>
        <div class="row">
          <PrinterFilter names={printers} value={printer} onChange={setPrinter} />
          <label>
            Outcome
            <select id="history-result" value={result} onChange={(e) => setResult((e.currentTarget as HTMLSelectElement).value)}>
              <option value="">all</option>
              {RESULTS.map((r) => (
                <option value={r}>{r}</option>
              ))}
            </select>
          </label>
        </div>
      </header>
      <Notice error={error} />
      {totals && (
        <p id="history-totals">
          {totals.jobs === 1 ? '1 job' : `${totals.jobs} jobs`} · {formatDuration(totals.printTime)} printing · {metres(totals.filament)} of filament
        </p>
      )}
      {jobs && jobs.jobs.length === 0 ? (
        <p class="muted">No jobs yet.</p>
      ) : (
        <div style={{ overflowX: 'auto' }}>
          <table id="history">
            <thead>
              <tr>
                <th scope="col">Started</th>
                <th scope="col">Printer</th>
                <th scope="col">File</th>
                <th scope="col">Outcome</th>
                <th scope="col">Duration</th>
                <th scope="col">Filament</th>
              </tr>
            </thead>
            <tbody>
              {(jobs?.jobs ?? []).map((job) => (
                <tr key={job.id} data-result={job.result}>
                  <td class="num">{dateAndTime(job.started)}</td>
                  <td>{printers[job.printer] ?? job.printer}</td>
                  <td class="file" style={{ overflowWrap: 'anywhere' }}>{job.file.path}</td>
                  <td class="result">{job.result}</td>
                  <td class="num" data-label="printed">{formatDuration(job.printTime)}</td>
                  <td class="num" data-label="filament">{metres(job.filament)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {jobs && jobs.total > jobs.jobs.length && <p class="muted">the newest {jobs.jobs.length} of {jobs.total}</p>}
    </section>
  );
}

/**
 * The `webhook` event-hook type, written as a third party would write one (about 30 lines): each
 * command is a URL (placeholders URL-encoded); the event is POSTed to it as JSON. Options on the
 * subscription: `retries` (default 2, with a growing pause) and `timeout` (ms per attempt).
 *
 *     - event: PrintDone
 *       type: webhook
 *       command: https://example.com/hooks/print?file={name}
 */
import { HookType, Plugin, type CommandOutcome, type HookRun, type Subscription } from 'cuttle';

@HookType()
@Plugin({ id: 'webhook-hook', name: 'Webhook event hooks', version: '1.0.0', description: 'The webhook type: POSTs the event as JSON to a URL.' })
export class WebhookHookPlugin implements HookType {
  readonly name = 'webhook';

  validate(s: Subscription): string[] {
    return s.options.retries === undefined || Number.isInteger(s.options.retries) ? [] : ['retries must be a whole number'];
  }

  async runCommand(template: string, run: HookRun): Promise<CommandOutcome> {
    const url = run.placeholders.substitute(template, encodeURIComponent);
    const body = JSON.stringify({ event: run.event.name, payload: run.event.payload, seq: run.event.seq, time: run.event.time });
    const attempts = 1 + Math.max(0, Number(run.subscription.options.retries ?? 2));
    let detail = '';
    run.announce(`POST ${url}`);
    for (let attempt = 1; attempt <= attempts && !run.signal.aborted; attempt++) {
      if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, 250 * 2 ** (attempt - 2)));
      try {
        const signal = run.subscription.timeout > 0 ? AbortSignal.any([run.signal, AbortSignal.timeout(run.subscription.timeout)]) : run.signal;
        const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal });
        const text = (await response.text()).slice(0, 2000);
        if (response.ok) return { command: `POST ${url}`, status: 'ok', exitCode: response.status, stdout: text, detail: `attempt ${attempt}` };
        detail = `HTTP ${response.status} (attempt ${attempt})`;
      } catch (err) {
        detail = `${(err as Error).name === 'TimeoutError' ? 'timed out' : (err as Error).message} (attempt ${attempt})`;
      }
    }
    return { command: `POST ${url}`, status: 'failed', detail };
  }
}

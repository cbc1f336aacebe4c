/**
 * The printer's state machine, with OctoPrint's states and texts. Every change is signalled (the
 * printer-events plugin turns it into PrinterStateChanged); a transition the table does not allow
 * is a bug in the caller and throws.
 */
import { Emitter } from '../common/event.js';
import { isOperational } from './octoprint-views.js';
import type { PrinterState, PrinterStateId } from './printer-service.js';

/**
 * An action the printer's state does not allow (a start while one is starting or running, a pause with
 * nothing printing, a command while offline): 409 wherever it surfaces (koa-server and the Moonraker
 * dispatcher answer an error's `status`, http-error.ts errorStatus).
 */
export class PrinterStateError extends Error {
  readonly status = 409;
}

export const STATE_TEXT: Record<PrinterStateId, string> = {
  OFFLINE: 'Offline',
  OPEN_SERIAL: 'Opening serial port',
  CONNECTING: 'Connecting',
  OPERATIONAL: 'Operational',
  PRINTING: 'Printing',
  PAUSING: 'Pausing',
  PAUSED: 'Paused',
  RESUMING: 'Resuming',
  CANCELLING: 'Cancelling',
  FINISHING: 'Finishing',
  ERROR: 'Error',
  CLOSED_WITH_ERROR: 'Offline after error',
};

/** Allowed next states. OFFLINE and ERROR are reachable from any connected state (disconnect, failure). */
const NEXT: Record<PrinterStateId, PrinterStateId[]> = {
  OFFLINE: ['OPEN_SERIAL'],
  CLOSED_WITH_ERROR: ['OPEN_SERIAL', 'OFFLINE'],
  OPEN_SERIAL: ['CONNECTING', 'ERROR', 'OFFLINE'],
  CONNECTING: ['OPERATIONAL', 'ERROR', 'OFFLINE'],
  OPERATIONAL: ['PRINTING', 'ERROR', 'OFFLINE'],
  PRINTING: ['PAUSING', 'CANCELLING', 'FINISHING', 'OPERATIONAL', 'ERROR', 'OFFLINE'],
  PAUSING: ['PAUSED', 'CANCELLING', 'ERROR', 'OFFLINE'],
  PAUSED: ['RESUMING', 'CANCELLING', 'PRINTING', 'ERROR', 'OFFLINE'],
  RESUMING: ['PRINTING', 'ERROR', 'OFFLINE'],
  CANCELLING: ['OPERATIONAL', 'ERROR', 'OFFLINE'],
  FINISHING: ['OPERATIONAL', 'ERROR', 'OFFLINE'],
  ERROR: ['CLOSED_WITH_ERROR', 'OFFLINE'],
};

export class PrinterStateMachine {
  private current: PrinterState = { id: 'OFFLINE', text: STATE_TEXT.OFFLINE, error: '' };
  private readonly changed = new Emitter<PrinterState>();
  readonly onChanged = this.changed.event;

  get state(): PrinterState {
    return this.current;
  }

  get id(): PrinterStateId {
    return this.current.id;
  }

  is(...ids: PrinterStateId[]): boolean {
    return ids.includes(this.current.id);
  }

  /** OPERATIONAL or any job state: the printer answers commands. */
  get connected(): boolean {
    return isOperational(this.current.id);
  }

  /** a job is printing, pausing, paused, resuming, cancelling or finishing */
  get jobActive(): boolean {
    return this.connected && this.current.id !== 'OPERATIONAL';
  }

  to(id: PrinterStateId, error?: string): void {
    if (id === this.current.id) return;
    if (!NEXT[this.current.id].includes(id)) throw new Error(`printer state ${this.current.id} cannot change to ${id}`);
    this.current = { id, text: STATE_TEXT[id], error: error ?? (id === 'OPEN_SERIAL' || id === 'OFFLINE' ? '' : this.current.error) };
    this.changed.fire(this.current);
  }
}

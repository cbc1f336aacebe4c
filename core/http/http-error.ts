/**
 * An error a route throws to answer with a status and `{ "error": message }`, plus `fields` a client
 * acts on without parsing the message (`{"reauthenticate": true}`: ask for the password).
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly fields: Readonly<Record<string, string | number | boolean>> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/**
 * The 4xx/5xx status an error carries: an HttpError's, or a numeric `status` (or `statusCode`) a
 * service's error declares (FileOperationError, PrinterStateError, koa's own); undefined for any other.
 */
export function errorStatus(err: unknown): number | undefined {
  if (err instanceof HttpError) return err.status;
  const status = (err as { status?: unknown; statusCode?: unknown } | null)?.status ?? (err as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : undefined;
}

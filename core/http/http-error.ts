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

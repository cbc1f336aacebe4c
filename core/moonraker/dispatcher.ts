/**
 * Runs one websocket message: parses it, answers a single request or a batch (each request of a
 * batch answered in order, in one array), checks each method's permission as the REST route doing
 * the same would, and turns every failure into a JSON-RPC error: nothing a client sends ends the
 * connection or reaches the log as a crash.
 */
import { hasPermissions } from '../http/principal.js';
import { errorStatus } from '../http/http-error.js';
import { checkedDepth, MAX_JSON_DEPTH } from '../http/request-body.js';
import {
  BEFORE_SIGN_IN,
  MAX_BATCH,
  NOT_SIGNED_IN,
  Params,
  RPC_INTERNAL_ERROR,
  RPC_INVALID_REQUEST,
  RPC_METHOD_NOT_FOUND,
  RPC_PARSE_ERROR,
  RpcError,
  type RpcCall,
  type RpcId,
  type RpcMethod,
  type RpcResponse,
} from './rpc.js';

export class RpcDispatcher {
  constructor(
    private readonly methods: ReadonlyMap<string, RpcMethod>,
    private readonly onInternalError: (method: string, err: unknown) => void,
  ) {}

  /** The answer to one message, or undefined when it held only notifications. */
  async handle(text: string, call: RpcCall): Promise<RpcResponse | RpcResponse[] | undefined> {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      return errorOf(null, new RpcError(RPC_PARSE_ERROR, 'Parse error'));
    }
    // the HTTP forms' bound too: a database value nested 10 000 deep overflowed the stack when stored
    try {
      checkedDepth(message);
    } catch {
      return errorOf(null, new RpcError(RPC_PARSE_ERROR, `Parse error: nested deeper than ${MAX_JSON_DEPTH} levels`));
    }
    if (!Array.isArray(message)) return this.one(message, call);
    if (message.length === 0) return errorOf(null, new RpcError(RPC_INVALID_REQUEST, 'Invalid Request: empty batch'));
    if (message.length > MAX_BATCH) return errorOf(null, new RpcError(RPC_INVALID_REQUEST, `Invalid Request: a batch may hold at most ${MAX_BATCH} requests`));
    const answers: RpcResponse[] = [];
    // in order: a client's batch may post an item and read it back
    for (const request of message) {
      const answer = await this.one(request, call);
      if (answer) answers.push(answer);
      // between two calls, the rest of the host runs: most methods answer synchronously, so a batch of a thousand
      // ran in one turn of the event loop (13 s for reads of a large database namespace), with no line to any printer
      await new Promise((resolve) => setImmediate(resolve));
    }
    return answers.length > 0 ? answers : undefined;
  }

  private async one(request: unknown, call: RpcCall): Promise<RpcResponse | undefined> {
    if (!request || typeof request !== 'object' || Array.isArray(request)) return errorOf(null, new RpcError(RPC_INVALID_REQUEST, 'Invalid Request'));
    const { jsonrpc, method, params, id } = request as Record<string, unknown>;
    // a JSON-RPC response (no method): Moonraker takes it as an agent's answer to a call of its own,
    // and answers nothing; cuttle makes no such calls
    if (jsonrpc === '2.0' && !('method' in request)) return undefined;
    const validId = id === undefined || id === null || typeof id === 'string' || typeof id === 'number';
    const replyId: RpcId = validId ? ((id as RpcId | undefined) ?? null) : null;
    if (jsonrpc !== '2.0' || typeof method !== 'string' || !validId) return errorOf(replyId, new RpcError(RPC_INVALID_REQUEST, 'Invalid Request'));
    const notification = id === undefined;
    let answer: RpcResponse;
    try {
      answer = { jsonrpc: '2.0', id: replyId, result: await this.invoke(method, params, call) };
    } catch (err) {
      answer = errorOf(replyId, err as RpcError);
    }
    return notification ? undefined : answer;
  }

  has(method: string): boolean {
    return this.methods.has(method);
  }

  /** Calls one method (the websocket's and the HTTP forms'); rejects with an RpcError only. */
  async invoke(method: string, params: unknown, call: RpcCall): Promise<unknown> {
    const handler = this.methods.get(method);
    if (!handler) throw new RpcError(RPC_METHOD_NOT_FOUND, `Method not found: ${method.slice(0, 100)}`);
    if (handler.permission !== BEFORE_SIGN_IN && !hasPermissions(call.principal, [handler.permission])) {
      throw call.principal === NOT_SIGNED_IN ? new RpcError(401, 'Unauthorized') : new RpcError(403, `Forbidden: ${method} needs the ${handler.permission} permission`);
    }
    try {
      const result = await handler.handle(Params.of(params), call);
      return result === undefined ? 'ok' : result;
    } catch (err) {
      throw this.rpcErrorOf(method, err);
    }
  }

  /** the services' refusals keep their status as the code (Moonraker's way, the rule koa-server answers HTTP by); anything else is internal */
  private rpcErrorOf(method: string, err: unknown): RpcError {
    if (err instanceof RpcError) return err;
    const status = errorStatus(err);
    if (status !== undefined) return new RpcError(status, (err as Error).message);
    this.onInternalError(method, err);
    return new RpcError(RPC_INTERNAL_ERROR, 'Internal error');
  }
}

function errorOf(id: RpcId, err: RpcError): RpcResponse {
  return { jsonrpc: '2.0', id, error: { code: err.code, message: err.message } };
}

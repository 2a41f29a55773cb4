import type { Socket } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';
import type { Problem } from '../problems/problem.js';
import { problem, problemsBody } from './http-problems.js';
import { REQUEST_ID_HEADER, requestId } from './request-id.js';

/**
 * What the HTTP parser rejects (headers too large or too slow, a body longer than its content-length)
 * reaches no route: answered here, in the problem format too, and the connection closed.
 */
export function parserRefusals(logger: FastifyBaseLogger, timeoutMs: number): (error: Error, socket: Socket) => void {
  return (error, socket) => {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ECONNRESET' || !socket.writable) return void socket.destroy(error);
    const [status, reason, refusal] = parserRefusal(code, timeoutMs);
    // No request reached fastify, so none of its log lines: this one is the only trace of the refusal.
    const reqId = requestId(undefined);
    logger.info({ reqId, remoteAddress: socket.remoteAddress, statusCode: status, parserError: code, problems: [{ code: refusal.code }] }, 'request refused by the HTTP parser');
    const body = JSON.stringify(problemsBody([refusal]));
    socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${REQUEST_ID_HEADER}: ${reqId}\r\nConnection: close\r\n\r\n${body}`);
  };
}

/** What the HTTP parser refused, as the status line and problem answered. */
function parserRefusal(code: string | undefined, timeoutMs: number): [number, string, Problem] {
  if (code === 'HPE_HEADER_OVERFLOW') return [431, 'Request Header Fields Too Large', problem('BAD_REQUEST', 'the request headers are larger than this service accepts')];
  // The headers did not all arrive within the request timeout.
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return [408, 'Request Timeout', problem('REQUEST_TIMEOUT', `the request headers did not arrive within ${timeoutMs} ms`)];
  return [400, 'Bad Request', problem('BAD_REQUEST', 'the request is not well-formed HTTP (a body longer than its content-length?)')];
}

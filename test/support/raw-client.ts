import { connect, type Socket } from 'node:net';

/** An HTTP/1.1 exchange on a raw socket, as a slow or broken client has it. */
export interface RawClient {
  socket: Socket;
  /** All the server sent so far. */
  received: () => string;
  /** Resolves when the server has closed the connection, with all it sent. */
  closed: Promise<string>;
}

export function rawClient(port: number, host = '127.0.0.1'): Promise<RawClient> {
  return new Promise((resolve) => {
    let text = '';
    const socket = connect(port, host);
    const closed = new Promise<string>((done) => socket.on('close', () => done(text)));
    socket.on('data', (chunk) => (text += chunk.toString()));
    // A reset is what a cut connection may look like; the tests read what was received.
    socket.on('error', () => undefined);
    socket.once('connect', () => resolve({ socket, received: () => text, closed }));
  });
}

/** The status, headers (lower-cased names) and problem codes of the last answer in a raw exchange. */
export function lastAnswer(text: string): { status: number; headers: Record<string, string>; codes: string[] } {
  const answer = text.slice(text.lastIndexOf('HTTP/1.1 '));
  const [head = '', body = ''] = answer.split('\r\n\r\n');
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
  const codes = headers['content-type']?.startsWith('application/json') ? ((JSON.parse(body) as { problems?: Array<{ code: string }> }).problems ?? []).map((p) => p.code) : [];
  return { status: Number(statusLine.split(' ')[1]), headers, codes };
}

import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastAnswer, rawClient } from './support/raw-client.js';
import { testApp } from './support/server.js';

let app: FastifyInstance;
let port: number;
beforeAll(async () => {
  app = await testApp({ requestTimeoutMs: 300 });
  await app.listen({ port: 0, host: '127.0.0.1' });
  port = (app.server.address() as { port: number }).port;
});
afterAll(async () => {
  await app.close();
});

describe('request timeouts', () => {
  // Headers and 8 of 100 body bytes held the connection open for ever, and with it the shutdown, which
  // needed a SIGKILL (QA of the service, operations).
  it('answers a client that falls silent within its body 408 REQUEST_TIMEOUT and closes the connection', async () => {
    const client = await rawClient(port);
    const started = Date.now();
    client.socket.write('POST /evaluate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"age": 6');
    const answer = lastAnswer(await client.closed);
    expect(answer).toMatchObject({ status: 408, codes: ['REQUEST_TIMEOUT'] });
    expect(answer.headers.connection).toBe('close');
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it('closes a connection whose headers stop coming', async () => {
    const client = await rawClient(port);
    client.socket.write('POST /evaluate HTTP/1.1\r\nHost: x\r\n');
    expect(await client.closed).toBe('');
  });

  it('does not cut a client that keeps sending, however long the whole body takes', async () => {
    const patient = await testApp({ requestTimeoutMs: 2_000 });
    await patient.listen({ port: 0, host: '127.0.0.1' });
    const client = await rawClient((patient.server.address() as { port: number }).port);
    const body = '{"id": "a client that keeps sending", "lesions": []}';
    client.socket.write(`POST /evaluate?trace=none HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`);
    // Past the timeout in all, never silent for more than a fortieth of it.
    for (const char of body) {
      client.socket.write(char);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(lastAnswer(await client.closed).status).toBe(200);
    await patient.close();
  });
});

describe('closing', () => {
  // A request that came on a keep-alive connection as the service stopped got fastify's own 503 body
  // (or, on a connection closed as idle, ECONNRESET) (QA of the service, operations).
  it('answers a request that arrives on a keep-alive connection while it closes 503 SHUTTING_DOWN, closing the connection', async () => {
    const closing = await testApp();
    await closing.listen({ port: 0, host: '127.0.0.1' });
    const client = await rawClient((closing.server.address() as { port: number }).port);
    client.socket.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n');
    while (!client.received().includes('"status":"ok"')) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(lastAnswer(client.received()).headers.connection).toBe('keep-alive');
    // The next request has begun when the service is told to stop, so the connection is not idle.
    client.socket.write('GET /health HTTP/1.1\r\nHo');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const closed = closing.close();
    client.socket.write('st: x\r\n\r\n');
    const answer = lastAnswer(await client.closed);
    expect(answer).toMatchObject({ status: 503, codes: ['SHUTTING_DOWN'] });
    expect(answer.headers.connection).toBe('close');
    await closed;
  });
});

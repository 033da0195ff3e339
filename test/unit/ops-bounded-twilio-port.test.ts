import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { OutboundFrame } from '../../src/call/call-types.js';
import { createLogger } from '../../src/logger.js';
import { boundedTwilioPort, type OutboundSocket } from '../../src/ops/bounded-twilio-port.js';

class FakeSocket implements OutboundSocket {
  readonly OPEN = 1;
  readyState = 1;
  bufferedAmount = 0;
  sent: OutboundFrame[] = [];
  terminated = 0;
  closed: Array<[number, string]> = [];
  send(data: OutboundFrame, _options: { binary: false }): void {
    this.sent.push(data);
  }
  close(code: number, reason: string): void {
    this.closed.push([code, reason]);
  }
  terminate(): void {
    this.terminated++;
    this.readyState = 3;
  }
}

function capturingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger('info', sink), lines };
}

describe('boundedTwilioPort', () => {
  it('sends while the backlog stays under the limit', () => {
    const socket = new FakeSocket();
    const port = boundedTwilioPort(socket, capturingLogger().logger, 1000);
    socket.bufferedAmount = 1000;
    port.send('a');
    expect(socket.sent).toEqual(['a']);
    expect(socket.terminated).toBe(0);
  });

  it('drops the stream (terminate, logged once) when the peer stops reading, and sends nothing more', () => {
    const socket = new FakeSocket();
    const { logger, lines } = capturingLogger();
    const port = boundedTwilioPort(socket, logger, 1000);
    socket.bufferedAmount = 1001;
    port.send('a');
    socket.readyState = 1; // even if the socket still claimed to be open, the port stays cut
    port.send('b');
    expect(socket.sent).toEqual([]);
    expect(socket.terminated).toBe(1);
    const errors = lines.filter((l) => l.msg === 'Twilio is not reading the stream; dropping it');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.bufferedBytes).toBe(1001);
  });

  it('sends a frame given as bytes as it is, as a text frame', () => {
    const socket = new FakeSocket();
    const options: Array<{ binary: boolean }> = [];
    const send = socket.send.bind(socket);
    socket.send = (data, opts) => (options.push(opts), send(data, opts));
    const frame = Buffer.from('{"event":"clear","streamSid":"MZ1"}');
    boundedTwilioPort(socket, capturingLogger().logger).send(frame);
    expect(socket.sent).toEqual([frame]);
    expect(socket.sent[0]).toBe(frame);
    expect(options).toEqual([{ binary: false }]);
  });

  it('sends nothing on a socket that is not open, and passes close through', () => {
    const socket = new FakeSocket();
    const port = boundedTwilioPort(socket, capturingLogger().logger);
    socket.readyState = 2;
    port.send('a');
    port.close(1000, 'bye');
    expect(socket.sent).toEqual([]);
    expect(socket.closed).toEqual([[1000, 'bye']]);
  });

  it('batches the messages of one tick into one write (cork until the tick ends)', async () => {
    const calls: string[] = [];
    const socket = Object.assign(new FakeSocket(), {
      _socket: { cork: () => calls.push('cork'), uncork: () => calls.push('uncork') },
    });
    const send = socket.send.bind(socket);
    socket.send = (data, options) => {
      calls.push(`send ${data.toString()}`);
      send(data, options);
    };
    const port = boundedTwilioPort(socket, capturingLogger().logger, 1000);
    port.send('media');
    port.send('mark');
    expect(calls).toEqual(['cork', 'send media', 'send mark']);
    await new Promise((r) => process.nextTick(r));
    expect(calls).toEqual(['cork', 'send media', 'send mark', 'uncork']);
    port.send('next');
    await new Promise((r) => process.nextTick(r));
    expect(calls.slice(4)).toEqual(['cork', 'send next', 'uncork']);
  });
});

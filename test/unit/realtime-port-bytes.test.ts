import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import type WebSocket from 'ws';
import { describe, expect, it } from 'vitest';
import type { ModelPortEvent } from '../../src/call/model-port.js';
import { ManualClock } from '../../src/clock.js';
import { createLogger } from '../../src/logger.js';
import { ModelLink } from '../../src/realtime/model-link.js';
import { RealtimePort } from '../../src/realtime/realtime-port.js';

/**
 * The model side of the hot path on `RealtimePort`, over a `ModelLink` whose socket is a stand-in: caller audio given
 * as bytes goes out as a text frame built from bytes, audio deltas come in as bytes, and everything else takes the
 * full parser, which refuses what is not UTF-8 (the socket does not check it).
 */
class FakeSocket extends EventEmitter {
  readyState = 1;
  bufferedAmount = 0;
  sent: Array<{ data: string | Buffer; options: { binary?: boolean } | undefined }> = [];
  send(data: string | Buffer, options?: { binary?: boolean }): void {
    this.sent.push({ data, options });
  }
  close(): void {}
  terminate(): void {}
  ping(): void {}

  /** What was sent, as parsed JSON. */
  events(): Array<Record<string, unknown>> {
    return this.sent.map((s) => JSON.parse(s.data.toString()) as Record<string, unknown>);
  }
}

function setUp() {
  const socket = new FakeSocket();
  const logs: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n')) if (line) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const port = new RealtimePort(new ModelLink(socket as unknown as WebSocket, true), new ManualClock(), createLogger('info', sink));
  const events: ModelPortEvent[] = [];
  port.attach((event) => events.push(event));
  const receive = (frame: Buffer) => socket.emit('message', frame, false);
  return { socket, port, events, logs, receive };
}

const DELTA = 'AAAA//8=';
const deltaText = (fields: Record<string, unknown>) =>
  JSON.stringify({ type: 'response.output_audio.delta', event_id: 'event_1', response_id: 'resp_1', item_id: 'item_1', output_index: 0, content_index: 0, delta: DELTA, ...fields });

describe('RealtimePort on the hot path', () => {
  it('sends caller audio given as bytes as a text frame built from bytes, numbered with every other client event', () => {
    const { socket, port } = setUp();
    port.appendAudio(Buffer.from('AAAA', 'latin1'));
    port.addMessage('system', 'a note');
    port.appendAudio('BBBB');
    port.appendAudio(Buffer.from('CCCC', 'latin1'));
    expect(socket.sent.map((s) => [Buffer.isBuffer(s.data), s.options?.binary])).toEqual([
      [true, false],
      [false, undefined],
      [false, undefined],
      [true, false],
    ]);
    expect(socket.events().map((e) => [e.type, e.event_id, e.audio])).toEqual([
      ['input_audio_buffer.append', 'b1', 'AAAA'],
      ['conversation.item.create', 'b2', undefined],
      ['input_audio_buffer.append', 'b3', 'BBBB'],
      ['input_audio_buffer.append', 'b4', 'CCCC'],
    ]);
    expect(socket.sent[0]!.data.toString()).toBe('{"type":"input_audio_buffer.append","event_id":"b1","audio":"AAAA"}');
  });

  it("passes the model's audio deltas on as bytes (a view into the frame), and a delta in another form through the parser", () => {
    const { events, receive } = setUp();
    const frame = Buffer.from(deltaText({}));
    receive(frame);
    receive(Buffer.from(JSON.stringify({ delta: DELTA, ...JSON.parse(deltaText({ response_id: 'resp_2' })) })));
    expect(events).toHaveLength(2);
    const [fast, full] = events as Array<Extract<ModelPortEvent, { type: 'audio' }>>;
    expect(fast).toMatchObject({ type: 'audio', responseId: 'resp_1', itemId: 'item_1', contentIndex: 0 });
    expect(Buffer.isBuffer(fast!.audio)).toBe(true);
    expect((fast!.audio as Buffer).buffer).toBe(frame.buffer);
    expect(fast!.audio.toString()).toBe(DELTA);
    expect(full).toEqual({ type: 'audio', responseId: 'resp_2', itemId: 'item_1', contentIndex: 0, audio: DELTA });
  });

  it('drops a frame that is not UTF-8 with a warning, and goes on', () => {
    const { events, logs, receive } = setUp();
    // Valid JSON once decoded with replacement characters: only the UTF-8 check keeps it from being taken.
    const bad = Buffer.concat([Buffer.from('{"type":"response.created","response":{"id":"resp_'), Buffer.from([0xff, 0xfe]), Buffer.from('"}}')]);
    receive(bad);
    expect(events).toEqual([]);
    expect(logs.filter((l) => l.msg === 'invalid model event dropped').map((l) => l.error)).toEqual(['not UTF-8']);
    receive(Buffer.from('{"type":"response.created","response":{"id":"resp_9"}}'));
    expect(events).toEqual([{ type: 'response-started', responseId: 'resp_9', purpose: undefined }]);
  });
});

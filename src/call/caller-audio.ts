import { base64ByteLength } from '../audio.js';

const APPEND_PREFIX = '{"type":"input_audio_buffer.append","audio":"';
const APPEND_SUFFIX = '"}';

/**
 * Caller → model audio. Frames arriving before the model is ready (or while it reconnects) are
 * buffered, bounded, and flushed in order; after that each frame is re-wrapped and sent at once.
 * Payloads were checked to be base64 by the message parser, so concatenation is safe.
 */
export class CallerAudio {
  private sink: ((text: string) => void) | undefined;
  private readonly buffered: string[] = [];
  /** Bytes appended to the current model session (its `audio_*_ms` clock is this / 8). */
  appendedBytes = 0;
  droppedFrames = 0;

  constructor(private readonly maxBufferedFrames = 500) {}

  push(payload: string): void {
    if (this.sink) {
      this.sink(APPEND_PREFIX + payload + APPEND_SUFFIX);
      this.appendedBytes += base64ByteLength(payload);
      return;
    }
    if (this.buffered.length >= this.maxBufferedFrames) {
      this.buffered.shift();
      this.droppedFrames++;
    }
    this.buffered.push(payload);
  }

  /** Starts sending to a (new) model session, flushing what was buffered. */
  connect(sink: (text: string) => void): void {
    this.appendedBytes = 0;
    this.sink = sink;
    for (const payload of this.buffered.splice(0)) this.push(payload);
  }

  /** The model leg is gone: buffer again until `connect`. */
  disconnect(): void {
    this.sink = undefined;
  }

  get bufferedFrames(): number {
    return this.buffered.length;
  }
}

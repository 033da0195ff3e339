/**
 * The browser call's two audio processors (Web Audio API, AudioWorklet): the microphone to 20 ms μ-law frames,
 * and the agent's μ-law audio to the speakers through a small jitter buffer, reporting each mark once its audio
 * has played.
 */
import { decodeMulawBytes, FrameEncoder, PHONE_RATE, PlaybackQueue, Upsampler } from './audio-dsp.js';

/** How much agent audio gathers before playback starts after silence (absorbs network jitter). */
const JITTER_MS = 80;

/** Posts one 160-byte μ-law frame (Uint8Array) per 20 ms of microphone audio. */
class MicCapture extends AudioWorkletProcessor {
  #encoder = new FrameEncoder(sampleRate);

  process(inputs) {
    const channel = inputs[0]?.[0];
    if (channel) for (const frame of this.#encoder.push(channel)) this.port.postMessage(frame, [frame.buffer]);
    return true;
  }
}

/**
 * Takes `{type: 'audio', bytes}` (μ-law), `{type: 'mark', name}` and `{type: 'clear'}` in the order they came from
 * the bridge; posts `{type: 'played', marks}` as marks are reached, or at once for those a `clear` dropped.
 */
class AgentPlayback extends AudioWorkletProcessor {
  #queue = new PlaybackQueue(Math.round((sampleRate * JITTER_MS) / 1000));
  #upsampler = new Upsampler(PHONE_RATE, sampleRate);

  constructor() {
    super();
    this.port.onmessage = ({ data }) => this.#receive(data);
  }

  #receive(message) {
    if (message.type === 'audio') this.#queue.pushAudio(this.#upsampler.push(decodeMulawBytes(message.bytes)));
    else if (message.type === 'mark') this.#queue.pushMark(message.name);
    else if (message.type === 'clear') {
      this.#upsampler.reset();
      this.#report(this.#queue.clear());
    }
  }

  process(_inputs, outputs) {
    const [first, ...others] = outputs[0];
    this.#report(this.#queue.read(first));
    for (const channel of others) channel.set(first);
    return true;
  }

  #report(marks) {
    if (marks.length > 0) this.port.postMessage({ type: 'played', marks });
  }
}

registerProcessor('mic-capture', MicCapture);
registerProcessor('agent-playback', AgentPlayback);

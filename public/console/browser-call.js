/**
 * A call to the agent from this page. It speaks Twilio's Media Streams protocol (Twilio's "Media Streams -
 * WebSocket Messages" page) on /ws/browser, as Twilio would for a phone call: `connected`, `start`, `media` every
 * 20 ms, mark echoes and `stop` out; `media`, `mark` and `clear` in. The session cookie authorizes the socket.
 */

const MEDIA_FORMAT = { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 };
const FRAME_MS = 20;

function randomSid(prefix) {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return prefix + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function toBase64(bytes) {
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text);
}

function fromBase64(payload) {
  return Uint8Array.from(atob(payload), (c) => c.charCodeAt(0));
}

export class BrowserCall {
  /** Counters the page shows: frames sent, agent audio received (ms), marks received and echoed. */
  stats = { framesSent: 0, receivedMs: 0, marksReceived: 0, marksEchoed: 0, clears: 0 };
  #streamSid = randomSid('MZ');
  #accountSid = randomSid('AC');
  // The bridge names the call itself; this one only fills Twilio's fields.
  #callSid = randomSid('CA');
  #sequence = 0;
  #chunk = 0;
  #started = false;
  #ended = false;

  /** `onChange(state, detail)`: 'connecting', 'live', 'ended' (detail: why), and 'stats' as counters move. */
  constructor(orgId, onChange) {
    this.orgId = orgId;
    this.onChange = onChange;
  }

  async start() {
    this.onChange('connecting');
    try {
      await this.#connect();
    } catch (err) {
      this.socket?.close();
      this.#finish(`could not start: ${err.message}`);
    }
  }

  async #connect() {
    // Created in the click that started the call, so the browser lets it play.
    this.audio = new AudioContext();
    await this.audio.audioWorklet.addModule('/console/audio-worklet.js');
    this.mic = await navigator.mediaDevices.getUserMedia({ audio: { channelCount: 1, echoCancellation: true, noiseSuppression: false, autoGainControl: false } });
    this.capture = new AudioWorkletNode(this.audio, 'mic-capture', { numberOfInputs: 1, numberOfOutputs: 0 });
    this.player = new AudioWorkletNode(this.audio, 'agent-playback', { numberOfInputs: 0, numberOfOutputs: 1, outputChannelCount: [1] });
    this.player.connect(this.audio.destination);
    this.player.port.onmessage = ({ data }) => data.marks.forEach((name) => this.#echoMark(name));
    this.capture.port.onmessage = ({ data }) => this.#sendFrame(data);
    this.audio.createMediaStreamSource(this.mic).connect(this.capture);

    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    this.socket = new WebSocket(`${scheme}//${location.host}/ws/browser`);
    this.socket.onopen = () => this.#open();
    this.socket.onmessage = ({ data }) => this.#receive(JSON.parse(data));
    this.socket.onclose = ({ code, reason }) => this.#finish(reason || `closed (${code})`);
  }

  /** Hangs up as Twilio does when the caller does: `stop`, then the socket closes. */
  hangUp() {
    if (this.#started && this.socket.readyState === WebSocket.OPEN) {
      this.#send({ event: 'stop', stop: { accountSid: this.#accountSid, callSid: this.#callSid } });
    }
    this.socket?.close(1000, 'caller hung up');
    this.#finish('you hung up');
  }

  #open() {
    this.#send({ event: 'connected', protocol: 'Call', version: '1.0.0' }, false);
    this.#send({
      event: 'start',
      start: {
        accountSid: this.#accountSid,
        streamSid: this.#streamSid,
        callSid: this.#callSid,
        tracks: ['inbound'],
        customParameters: { orgId: this.orgId },
        mediaFormat: MEDIA_FORMAT,
      },
    });
    this.#started = true;
    this.onChange('live');
  }

  #sendFrame(frame) {
    if (!this.#started || this.socket.readyState !== WebSocket.OPEN) return;
    const chunk = ++this.#chunk;
    this.#send({ event: 'media', media: { track: 'inbound', chunk: String(chunk), timestamp: String((chunk - 1) * FRAME_MS), payload: toBase64(frame) } });
    this.stats.framesSent++;
    if (chunk % 25 === 0) this.onChange('stats');
  }

  #receive(message) {
    if (message.event === 'media') {
      const bytes = fromBase64(message.media.payload);
      this.stats.receivedMs += bytes.length / 8;
      this.player.port.postMessage({ type: 'audio', bytes }, [bytes.buffer]);
    } else if (message.event === 'mark') {
      this.stats.marksReceived++;
      this.player.port.postMessage({ type: 'mark', name: message.mark.name });
    } else if (message.event === 'clear') {
      this.stats.clears++;
      this.player.port.postMessage({ type: 'clear' });
    }
    this.onChange('stats');
  }

  /** Twilio's echo of a mark: sent only once the audio before it has played (or was cleared). */
  #echoMark(name) {
    if (this.socket.readyState !== WebSocket.OPEN) return;
    this.#send({ event: 'mark', mark: { name } });
    this.stats.marksEchoed++;
    this.onChange('stats');
  }

  #send(message, numbered = true) {
    const body = numbered ? { event: message.event, sequenceNumber: String(++this.#sequence), streamSid: this.#streamSid, ...message } : message;
    this.socket.send(JSON.stringify(body));
  }

  #finish(why) {
    if (this.#ended) return;
    this.#ended = true;
    this.mic?.getTracks().forEach((track) => track.stop());
    void this.audio?.close();
    this.onChange('ended', why);
  }
}

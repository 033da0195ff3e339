import type { OutboundFrame, TwilioPort } from '../call/call-types.js';
import type { Logger } from '../logger.js';

const TEXT_FRAME = { binary: false } as const;

/** Past this much unsent data the peer is not reading (a stuck or dead Twilio edge): 1 MiB is over a minute of audio. */
export const MAX_TWILIO_BUFFERED_BYTES = 1024 * 1024;

/** The slice of a `ws` WebSocket the port uses. */
export interface OutboundSocket {
  readonly readyState: number;
  readonly OPEN: number;
  readonly bufferedAmount: number;
  /** A frame given as bytes goes out as a text frame all the same (`binary: false`). */
  send(data: OutboundFrame, options: { binary: false }): void;
  close(code: number, reason: string): void;
  terminate(): void;
  /** ws's underlying net.Socket (not public API, hence optional): used only to batch writes. */
  readonly _socket?: { cork(): void; uncork(): void };
}

/**
 * The call's path to Twilio, with a bound on what may pile up unsent: over `maxBufferedBytes` the socket is
 * terminated (a close frame would only queue behind the backlog), which ends the call through its `close` event.
 */
export function boundedTwilioPort(socket: OutboundSocket, logger: Logger, maxBufferedBytes = MAX_TWILIO_BUFFERED_BYTES): TwilioPort {
  let cut = false;
  // Every audio chunk goes out as two messages (media, then its mark). Corking the TCP socket until the end of the
  // tick sends them in one writev instead of two: syscalls are most of the bridge's CPU (see the README's Capacity).
  const raw = socket._socket;
  let corked = false;
  const uncork = () => {
    corked = false;
    raw?.uncork();
  };
  return {
    send(frame) {
      if (cut || socket.readyState !== socket.OPEN) return;
      if (socket.bufferedAmount > maxBufferedBytes) {
        cut = true;
        logger.error({ bufferedBytes: socket.bufferedAmount, maxBufferedBytes }, 'Twilio is not reading the stream; dropping it');
        socket.terminate();
        return;
      }
      if (raw && !corked) {
        corked = true;
        raw.cork();
        process.nextTick(uncork);
      }
      socket.send(frame, TEXT_FRAME);
    },
    close(code, reason) {
      socket.close(code, reason);
    },
  };
}

import type { CallControl, CallLine, EndReason, TwilioPort } from '../call/call-types.js';
import type { Logger } from '../logger.js';

/**
 * A phone call's line: the Twilio media stream, plus REST call control when credentials are configured. Without
 * them the bridge can only close the stream (Twilio then runs what follows `<Connect>` in the TwiML) and cannot
 * transfer.
 */
export function phoneLine(opts: { stream: TwilioPort; control: CallControl | undefined; callSid: string; language?: string | undefined; log: Logger }): CallLine {
  const { stream, control, callSid, language, log } = opts;
  return {
    send: (frame) => stream.send(frame),
    close: (reason: EndReason) => stream.close(1000, reason),
    async hangUp(reason, apology) {
      try {
        await control?.endCall(callSid, { apology, language });
      } catch (err) {
        log.warn({ err: (err as Error).message }, 'ending the call over REST failed; closing the stream');
      } finally {
        stream.close(1000, reason);
      }
    },
    ...(control ? { transfer: (number: string) => control.transfer(callSid, number, language) } : {}),
    ...(control?.startRecording ? { startRecording: () => control.startRecording!(callSid) } : {}),
  };
}

import { AppError } from '../../../src/errors.js';
import { field, type StepHandler } from './step.js';

/** Twilio's transcription of the voicemail (sent once, a while after the call). */
export const transcriptionStep: StepHandler =
  ({ calls, log, callOf, needsDatabase }) =>
  async (req, res) => {
    needsDatabase();
    const call = callOf(req);
    const recordingSid = field(req, 'RecordingSid');
    const status = field(req, 'TranscriptionStatus') ?? 'completed';
    if (!recordingSid) throw new AppError('validation_error', 'RecordingSid is required.');
    const text = field(req, 'TranscriptionText');
    const kept = await calls.transcribed(call.sid, recordingSid, text, status);
    if (!kept) log.warn({ call: call.sid, recordingSid }, 'transcription for a recording we do not have');
    res.status(204).end();
  };

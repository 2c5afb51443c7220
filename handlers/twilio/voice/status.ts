import { CALL_STATUSES, type CallStatus } from '../../../src/calls/call.js';
import { AppError } from '../../../src/errors.js';
import { field, type StepHandler } from './step.js';

/** Call status callbacks: only ever forward; the final one ends the call and updates its pop. */
export const statusStep: StepHandler =
  ({ calls, callOf, needsDatabase }) =>
  async (req, res) => {
    needsDatabase();
    const call = callOf(req);
    const status = field(req, 'CallStatus')?.toLowerCase();
    if (!status || !CALL_STATUSES.includes(status as CallStatus)) {
      throw new AppError('validation_error', 'CallStatus is missing or not a Twilio call status.');
    }
    const duration = Number(field(req, 'CallDuration'));
    await calls.statusChanged(call.sid, status as CallStatus, {
      from: call.from,
      to: call.to,
      ...(Number.isFinite(duration) && field(req, 'CallDuration') !== undefined ? { duration } : {}),
    });
    res.status(204).end();
  };

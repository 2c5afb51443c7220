import type { z } from 'zod';
import { AppError } from '../../src/errors.js';

/** Parses with zod; a failure becomes one 400 `validation_error` listing every bad field. */
export function validate<S extends z.ZodType>(schema: S, value: unknown, where = 'body'): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const details = result.error.issues.map((issue) => ({
    path: issue.path.join('.') || where,
    message:
      issue.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.join(', ')}` : issue.message,
  }));
  const first = details[0];
  throw new AppError('validation_error', `Invalid ${where}: ${first?.path} ${first?.message}`, { details });
}

import { withinDeadline } from '../../src/deadline.js';

test('Work done in time is returned; late work is reported as late and still finishes', async () => {
  expect(await withinDeadline(Promise.resolve(42), 50)).toBe(42);
  let finished = false;
  const slow = new Promise<string>((r) =>
    setTimeout(() => {
      finished = true;
      r('done');
    }, 100),
  );
  expect(await withinDeadline(slow, 20)).toBe('late');
  expect(await slow).toBe('done');
  expect(finished).toBe(true);
});

test('A failure in time is thrown to the caller', async () => {
  await expect(withinDeadline(Promise.reject(new Error('boom')), 50)).rejects.toThrow('boom');
});

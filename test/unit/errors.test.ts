import { createRequire } from 'node:module';
import {
  MongoNetworkError,
  MongoNotConnectedError,
  MongoServerClosedError,
  MongoServerError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
} from 'mongodb';
import { toAppError } from '../../src/errors.js';

/**
 * Which errors mean "the database is away" (503 `database_unavailable`, nothing changed, retry)
 * and which are ours (500 `internal`). Built from the driver's own classes, as it throws them.
 */

// The driver's pool errors are not exported by name: they are thrown from its connection pool.
const cmap = createRequire(import.meta.url)('mongodb/lib/cmap/errors.js') as Record<
  string,
  new (
    pool: { address: string; serverError?: Error },
    message?: string,
  ) => Error
>;
const pool = { address: '127.0.0.1:27017', serverError: new MongoNetworkError('connection reset') };

test.each([
  ['a network error', new MongoNetworkError('connection reset')],
  ['no server selected', new MongoServerSelectionError('timed out', { servers: new Map() } as never)],
  ['a closed topology', new MongoTopologyClosedError()],
  ['a client never connected', new MongoNotConnectedError('not connected')],
  ['a closed server', new MongoServerClosedError()],
  // Thrown when a heartbeat times out while an operation waits for a connection: the drill's case.
  ['a pool cleared by a heartbeat timeout', new (cmap.PoolClearedOnNetworkError as any)(pool)],
  ['a pool cleared after a failed operation', new (cmap.PoolClearedError as any)(pool)],
  ['a closed pool', new (cmap.PoolClosedError as any)(pool)],
])('When the driver throws %s, then the request is refused as database_unavailable (503)', (_what, err) => {
  const appError = toAppError(err);
  expect(appError.code).toBe('database_unavailable');
  expect(appError.status).toBe(503);
});

test("When the driver lets a socket's own error through (a command written to a connection the database just closed), then it is database_unavailable", () => {
  // What Node throws from Socket.write after the peer's FIN, as the driver's writeCommand passed it
  // on in CI's database drill.
  const epipe = Object.assign(new Error('This socket has been ended by the other party'), { code: 'EPIPE' });
  expect(toAppError(epipe).code).toBe('database_unavailable');
  const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET', syscall: 'read' });
  expect(toAppError(reset).code).toBe('database_unavailable');
  // An outbound client's own error class with the same code is not the database.
  class HttpClientError extends Error {
    code = 'ECONNRESET';
  }
  expect(toAppError(new HttpClientError('socket hang up')).code).toBe('internal');
});

test('When mongoose gives up buffering a command while disconnected, then it is database_unavailable', () => {
  const err = Object.assign(new Error('Operation `orders.findOne()` buffering timed out after 10000ms'), {
    name: 'MongooseError',
  });
  expect(toAppError(err).code).toBe('database_unavailable');
});

test.each([
  ['a server error', new MongoServerError({ message: 'bad', code: 2 })],
  ['a plain error', new Error('bug')],
  ['a thrown string', 'bug'],
  ['null', null],
])('When the code throws %s, then it is internal (500), not blamed on the database', (_what, err) => {
  const appError = toAppError(err);
  expect(appError.code).toBe('internal');
  expect(appError.status).toBe(500);
});

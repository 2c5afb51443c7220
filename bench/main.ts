/**
 * `npm run bench`: order placement under load (place-orders.ts).
 * `npm run bench -- growth` (or `npm run bench:growth`): does cost stay flat from 1,000 to
 * 100,000 orders (growth.ts, which lists its options).
 * `npm run bench -- standing`: the standing targets alone, in about two minutes (standing.ts).
 * `npm run bench -- hostile`: does Slack still get its acknowledgement in time while someone
 * sends URLs shaped to slow the log redaction (hostile.ts, which lists its options).
 */
if (process.argv[2] === 'growth') await import('./growth.js');
else if (process.argv[2] === 'standing') await import('./standing.js');
else if (process.argv[2] === 'hostile') await import('./hostile.js');
else await import('./place-orders.js');

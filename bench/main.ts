/**
 * `npm run bench`: order placement under load (place-orders.ts).
 * `npm run bench -- growth` (or `npm run bench:growth`): does cost stay flat from 1,000 to
 * 100,000 orders (growth.ts, which lists its options).
 */
if (process.argv[2] === 'growth') await import('./growth.js');
else await import('./place-orders.js');

export default async function globalTeardown() {
  await globalThis.__ORDERLY_DB__?.stop();
}

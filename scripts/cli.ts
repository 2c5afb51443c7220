/**
 * What `npm run slack`, `npm run sms` and `npm run call` share: the options (`--url`, `--help`),
 * where the server is (`--url`, else `http://localhost:$PORT`), how a request that never got there
 * is told (the URL tried and why), and Twilio's signature. Parsing is pure (argv and env in,
 * options out) so it is unit-tested without a server.
 */

/** A mistake in the command line: the usage is printed and the helper exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A failure to say in one line (no stack): the helper exits 1. */
export class CliError extends Error {
  override name = 'CliError';
}

export interface CliSpec {
  /** Options without a value, e.g. `--hangup`. */
  flags?: readonly string[];
  /** Options with a value besides `--url`, e.g. `--user`. */
  options?: readonly string[];
}

export interface CliArgs {
  /** Where the server is: `--url`, else `http://localhost:$PORT` (PORT 3000 when unset); no trailing slash. */
  url: string;
  /** Whether `--url` was given. */
  urlGiven: boolean;
  help: boolean;
  flags: Set<string>;
  options: Map<string, string>;
  /** Everything else, in order (`--` ends the options). */
  args: string[];
}

export const DEFAULT_PORT = 3000;

/** `PORT` as the server reads it: an empty value means unset. */
const portOf = (env: Record<string, string | undefined>) => env.PORT?.trim() || undefined;

function baseUrl(value: string, from: string): string {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new UsageError(`${from} is not a URL: ${value}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new UsageError(`${from} must be an http:// or https:// URL: ${value}`);
  if (u.search || u.hash) throw new UsageError(`${from} must be a base URL without ? or #: ${value}`);
  return `${u.origin}${u.pathname}`.replace(/\/+$/, '');
}

/** Reads the command line of a helper. Throws UsageError for an unknown option or a missing value. */
export function parseCli(
  argv: readonly string[],
  env: Record<string, string | undefined>,
  spec: CliSpec = {},
): CliArgs {
  const flags = new Set<string>();
  const options = new Map<string, string>();
  const args: string[] = [];
  const valued = new Set(['--url', ...(spec.options ?? [])]);
  const flagNames = new Set(spec.flags ?? []);
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--') {
      args.push(...argv.slice(i + 1));
      break;
    }
    if (a === '--help' || a === '-h') {
      help = true;
      continue;
    }
    if (!a.startsWith('--') || a === '--') {
      args.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(0, eq) : a;
    if (flagNames.has(name)) {
      if (eq > 0) throw new UsageError(`${name} takes no value`);
      flags.add(name);
    } else if (valued.has(name)) {
      const value = eq > 0 ? a.slice(eq + 1) : argv[++i];
      if (value === undefined || value === '' || (eq < 0 && value.startsWith('--')))
        throw new UsageError(`${name} needs a value`);
      options.set(name, value);
    } else {
      throw new UsageError(`unknown option ${name}`);
    }
  }
  const given = options.get('--url');
  options.delete('--url');
  const url = given
    ? baseUrl(given, '--url')
    : baseUrl(`http://localhost:${portOf(env) ?? DEFAULT_PORT}`, 'PORT');
  return { url, urlGiven: given !== undefined, help, flags, options, args };
}

/**
 * The base URL Twilio signs, as the server checks it: `PUBLIC_URL` when set; otherwise the server
 * uses `http://localhost:$PORT`, its own port, which is `PORT` here when set, else `--url`'s port.
 */
export function twilioSignedBase(env: Record<string, string | undefined>, url: string): string {
  const publicUrl = env.PUBLIC_URL?.trim();
  if (publicUrl) return publicUrl.replace(/\/+$/, '');
  const u = new URL(url);
  const port = portOf(env) ?? (u.port || (u.protocol === 'https:' ? '443' : '80'));
  return `http://localhost:${port}`;
}

/** X-Twilio-Signature, as src/twilio-sim/post.ts computes it for the helpers and the console's phone. */
export { twilioSignature } from '../src/twilio-sim/post.js';

/** Why a fetch failed, in words: the connection error, not "fetch failed". */
export function causeOf(err: unknown): string {
  if (err instanceof Error && err.name === 'TimeoutError') return 'no answer in time';
  const cause = (err as { cause?: { message?: string; code?: string; errors?: Array<{ message?: string }> } })
    .cause;
  // Node reports localhost's two addresses (::1, 127.0.0.1) as one AggregateError without a message.
  const nested = cause?.errors
    ?.map((e) => e.message)
    .filter(Boolean)
    .join(', ');
  return cause?.message || nested || cause?.code || (err as Error).message;
}

/** The one-line explanation when nothing answered at `url`. */
export const unreachable = (url: string, err: unknown) =>
  new CliError(`could not reach ${url}: ${causeOf(err)}; is the server running? (npm start, or --url)`);

/** `fetch`, with a failure to connect turned into the CliError that names the URL tried. */
export async function request(url: string, init: RequestInit & { timeoutMs?: number }): Promise<Response> {
  const { timeoutMs = 30_000, ...rest } = init;
  try {
    return await fetch(url, { ...rest, signal: rest.signal ?? AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    throw unreachable(url, err);
  }
}

export const print = (line = '') => process.stdout.write(`${line}\n`);

/** Runs a helper's main: a UsageError prints the usage (exit 2), any other error one line (exit 1). */
export function runCli(name: string, usage: string, main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    if (err instanceof UsageError) {
      process.stderr.write(`${name}: ${err.message}\n${usage}\n`);
      process.exit(2);
    }
    process.stderr.write(`${name}: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}

/** The options every helper has, for its usage text. */
export const COMMON_OPTIONS = `  --url <base>  where Orderly runs (default http://localhost:$PORT, PORT 3000 when unset)
  --help        this text`;

/**
 * SQLSTATEs that say the database is out of reach for a moment, not that the statement is
 * wrong: the connection failed or was cut (class 08, but not 08P01, a protocol violation),
 * the server is shutting down or starting up (57P01–57P03), it is full (53300), or a
 * failover left the connection on a server that is now read-only (25006). A deadlock or
 * serialization failure (40P01, 40001) also goes away when the statement is run again.
 */
const TRANSIENT_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '25006', '40001', '40P01']);

/** Node's codes for a socket that could not connect or was cut. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * True when running the same statement again later may well succeed. pg reports a server's
 * refusal with its SQLSTATE; a socket that could not connect or was cut has a Node code
 * (ECONNREFUSED, …; an AggregateError carries it too when a host name has several
 * addresses); a server that hung up mid-query, or a pool that timed out connecting, is pg's
 * own message with no code at all ("Connection terminated unexpectedly", "timeout exceeded
 * when trying to connect").
 */
export function isTransientDatabaseError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (SOCKET_CODES.has(code)) return true;
    if (code === '08P01') return false;
    // 55000 covers much else; this one is a database refusing connections for now.
    if (code === '55000') return /not currently accepting connections/.test(error.message);
    return code.startsWith('08') || TRANSIENT_SQLSTATES.has(code);
  }
  return /connect|terminated/i.test(error.message);
}

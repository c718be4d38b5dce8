/** Why a server (serve, preview) could not listen, as a problem with a code instead of a raw errno. */
import { error, type Problem } from '../problems.js';
import { ListenFailed, PortInUse } from '../problem-catalogue.js';

const LISTEN_REASONS: Record<string, string> = {
  EADDRNOTAVAIL: 'not an address of this machine',
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'the host name could not be resolved now',
  EACCES: 'permission denied (ports below 1024 need privileges)',
  EPERM: 'not permitted',
};

/** The problem for a `listen` failure, or null when `err` is not one (a bug, to be thrown on). */
export function listenProblem(err: unknown, host: string, port: number): Problem | null {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (code === 'EADDRINUSE') return error(`--port ${port}`, PortInUse, [host, port]);
  const reason = LISTEN_REASONS[code ?? ''];
  return reason ? error(`--host ${host}`, ListenFailed, [host, port, reason]) : null;
}

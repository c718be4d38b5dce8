/**
 * How a send shows progress: a cli-progress bar with rate and ETA when stderr
 * is a terminal, and plain timestamped lines otherwise (cron mail, CI logs,
 * `| tee`), where a redrawn bar would be a wall of control characters.
 */
import cliProgress from 'cli-progress';
import { formatProblem, type Problem } from '../../problems.js';
import type { SendReporter } from './send-run.js';

export interface ProgressReporter extends SendReporter {
  stop(): void;
}

export function createProgressReporter(label: string, stream: NodeJS.WritableStream & { isTTY?: boolean } = process.stderr): ProgressReporter {
  // Only a terminal draws a bar, and a terminal is a tty.WriteStream.
  return stream.isTTY ? barReporter(label, stream as NodeJS.WriteStream) : lineReporter(label, stream);
}

function rateAndEta(started: number, done: number, total: number, sent: number): { rate: string; eta: string } {
  const seconds = (Date.now() - started) / 1000;
  const perSecond = seconds > 0 ? done / seconds : 0;
  const eta = perSecond > 0 ? Math.max(0, (total - done) / perSecond) : NaN;
  return { rate: (seconds > 0 ? sent / seconds : 0).toFixed(1), eta: formatDuration(eta) };
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 60) return `${Math.round(seconds)}s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

function barReporter(label: string, stream: NodeJS.WriteStream): ProgressReporter {
  const multi = new cliProgress.MultiBar(
    {
      stream,
      format: `${label} [{bar}] {percentage}% | {value}/{total} | {rate} msg/s | ETA {left}`,
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  let bar: cliProgress.SingleBar | undefined;
  let started = Date.now();
  return {
    start(total) {
      started = Date.now();
      bar = multi.create(total, 0, { rate: '0.0', left: '?' });
    },
    progress(done, total, sent) {
      bar?.setTotal(total);
      const { rate, eta } = rateAndEta(started, done, total, sent);
      // "left", not "eta": cli-progress fills {eta} itself and would ignore ours.
      bar?.update(done, { rate, left: eta });
    },
    log(line) {
      multi.log(`${line}\n`);
    },
    warn(p: Problem) {
      multi.log(`${formatProblem(p)}\n`);
    },
    stop() {
      multi.stop();
    },
  };
}

function lineReporter(label: string, stream: NodeJS.WritableStream): ProgressReporter {
  let started = Date.now();
  let lastAt = 0;
  let lastDone = 0;
  let every = 100;
  return {
    start(total) {
      started = Date.now();
      lastAt = started;
      every = Math.max(100, Math.ceil(total / 20));
      stream.write(`${label}: ${total} recipient${total === 1 ? '' : 's'}\n`);
    },
    progress(done, total, sent) {
      // One line per ~5% or per 10 s, whichever comes first, and at the end.
      if (done !== total && done - lastDone < every && Date.now() - lastAt < 10_000) return;
      lastAt = Date.now();
      lastDone = done;
      const { rate, eta } = rateAndEta(started, done, total, sent);
      stream.write(`${label}: ${done}/${total} done (${Math.floor((done / Math.max(total, 1)) * 100)}%), ${sent} sent, ${rate} msg/s, ETA ${eta}\n`);
    },
    log(line) {
      stream.write(`${line}\n`);
    },
    warn(p: Problem) {
      stream.write(`${formatProblem(p)}\n`);
    },
    stop() {},
  };
}

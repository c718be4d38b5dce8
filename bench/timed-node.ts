/**
 * Runs a node script in a process of its own and reports its wall time and
 * its own peak RSS, on whichever node binary it is given.
 */
import { spawn } from 'node:child_process';

export interface Run {
  ms: number;
  maxRssMb: number;
  /** CPU time of the process, all its threads (not of processes it starts, such as Pagefind's indexer). */
  cpuMs: number;
}

// Preloaded into each benchmarked process so it reports its own peak RSS and CPU time on exit.
const REPORT_MAX_RSS = `data:text/javascript,process.on('exit',()=>{const u=process.resourceUsage();process.stderr.write('\\nBRIEFWIRE_MAX_RSS_KB='+u.maxRSS+' CPU_US='+(u.userCPUTime+u.systemCPUTime)+'\\n')})`;

/** Runs `node args` in `cwd` (the node running the benchmark unless `node` names another) and measures it. */
export function timeNode(args: string[], cwd: string, opts: { node?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(opts.node ?? process.execPath, ['--import', REPORT_MAX_RSS, ...args], { cwd, env: opts.env ?? process.env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => {
      const ms = performance.now() - started;
      const m = /BRIEFWIRE_MAX_RSS_KB=(\d+) CPU_US=(\d+)/.exec(stderr);
      if (code !== 0 || !m) return reject(new Error(`${args.join(' ')} exited ${code}: ${stderr.slice(-2000)}`));
      resolve({ ms, maxRssMb: Number(m[1]) / 1024, cpuMs: Number(m[2]) / 1000 });
    });
  });
}

export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

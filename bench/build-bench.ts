/**
 * Build benchmark: briefwire's whole pipeline on a generated 520-edition
 * archive, side by side with the `mjml` CLI compiling the same 520 rendered
 * MJML files, in the same run (alternating, so machine noise hits both).
 * Each side runs as its own process so peak memory (maxRSS) is its own.
 */
import { spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { generateArchive } from './generate-archive.js';

const EDITIONS = 520;
const ROUNDS = 2;

interface Run {
  ms: number;
  maxRssMb: number;
}

// Preloaded into each benchmarked process so it reports its own peak RSS on exit.
const REPORT_MAX_RSS = `data:text/javascript,process.on('exit',()=>process.stderr.write('\\nBRIEFWIRE_MAX_RSS_KB='+process.resourceUsage().maxRSS+'\\n'))`;

/** Runs a node script and reports wall time and the child's peak RSS. */
function timeNode(args: string[], cwd: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--import', REPORT_MAX_RSS, ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => {
      const ms = performance.now() - started;
      const m = /BRIEFWIRE_MAX_RSS_KB=(\d+)/.exec(stderr);
      if (code !== 0 || !m) return reject(new Error(`${args.join(' ')} exited ${code}: ${stderr.slice(-2000)}`));
      resolve({ ms, maxRssMb: Number(m[1]) / 1024 });
    });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function runBuildBench(): Promise<void> {
  const root = process.cwd();
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'briefwire-bench-build-'));
  try {
    const content = path.join(tmp, 'content');
    const out = path.join(tmp, 'out');
    await generateArchive(content, EDITIONS);
    const cli = path.join(root, 'dist', 'cli.js');
    // A first build produces the 520 MJML files the mjml CLI will compile.
    await timeNode([cli, 'build', '--content', content, '--out', out], root);
    const mjmlDir = path.join(tmp, 'mjml');
    await mkdir(mjmlDir);
    const dates = (await readdir(path.join(out, 'editions'))).sort();
    await Promise.all(dates.map((d) => cp(path.join(out, 'editions', d, 'email.mjml'), path.join(mjmlDir, `${d}.mjml`))));
    const mjmlFiles = dates.map((d) => path.join(mjmlDir, `${d}.mjml`));
    const mjmlBin = path.join(root, 'node_modules', 'mjml', 'bin', 'mjml');

    const ours: Run[] = [];
    const theirs: Run[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      ours.push(await timeNode([cli, 'build', '--content', content, '--out', out], root));
      const htmlDir = path.join(tmp, `html-${i}`);
      await mkdir(htmlDir);
      theirs.push(await timeNode([mjmlBin, '-r', ...mjmlFiles, '-o', `${htmlDir}/`], root));
    }
    const oursMs = median(ours.map((r) => r.ms));
    const theirsMs = median(theirs.map((r) => r.ms));
    console.log(`build: ${EDITIONS} editions, median of ${ROUNDS} alternating runs`);
    console.log(`  briefwire build (load+compute+render+MJML+text+site+write): ${(oursMs / 1000).toFixed(2)} s, ${(EDITIONS / (oursMs / 1000)).toFixed(1)} editions/s, peak RSS ${Math.max(...ours.map((r) => r.maxRssMb)).toFixed(0)} MB`);
    console.log(`  mjml CLI (compile the same ${EDITIONS} .mjml files only):     ${(theirsMs / 1000).toFixed(2)} s, ${(EDITIONS / (theirsMs / 1000)).toFixed(1)} files/s, peak RSS ${Math.max(...theirs.map((r) => r.maxRssMb)).toFixed(0)} MB`);
    console.log(`  ratio briefwire/mjml time: ${(oursMs / theirsMs).toFixed(2)} (target <= 1.00)`);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

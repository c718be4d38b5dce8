/**
 * The runtime the build benchmark measures beside the one running it: Node
 * 24, whose binary the npm registry's node-<platform>-<arch> package ships
 * (as .ci/run gets it), installed once under node_modules/.cache/; or any
 * node binary BRIEFWIRE_BENCH_NODE names.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

export interface Runtime {
  /** "Node 24.1.0" */
  label: string;
  node: string;
  /** Whether it has V8's module compile cache (Node 22.1+), which the CLI turns on. */
  compileCache: boolean;
}

const SECOND_MAJOR = '24';

const DESCRIBE = `JSON.stringify([process.versions.node, typeof require('node:module').enableCompileCache === 'function'])`;

export function runtimeAt(node: string): Runtime {
  const r = spawnSync(node, ['-p', DESCRIBE], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${node} does not run: ${r.stderr}`);
  const [version, compileCache] = JSON.parse(r.stdout) as [string, boolean];
  return { label: `Node ${version}`, node, compileCache };
}

/** Node 24's binary, installed on first use; undefined (with the reason printed) where there is no package for this machine. */
function installedNode24(root: string): string | undefined {
  const platform = process.platform === 'win32' ? 'win' : process.platform;
  const pkg = `node-${platform}-${process.arch}`;
  const prefix = path.join(root, 'node_modules', '.cache', `briefwire-bench-node${SECOND_MAJOR}`);
  const bin = path.join(prefix, 'node_modules', pkg, 'bin', 'node');
  if (existsSync(bin)) return bin;
  if (platform === 'win') {
    console.log(`  (no second runtime: set BRIEFWIRE_BENCH_NODE to a Node ${SECOND_MAJOR} binary)`);
    return undefined;
  }
  console.log(`  installing Node ${SECOND_MAJOR} (${pkg}) into ${path.relative(root, prefix)} for the runtime comparison`);
  const args = ['install', '--no-save', '--no-audit', '--no-fund', '--no-package-lock', '--prefix', prefix, `${pkg}@${SECOND_MAJOR}`];
  const r = spawnSync('npm', args, { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0 || !existsSync(bin)) throw new Error(`npm ${args.join(' ')} failed`);
  return bin;
}

/** The node running the benchmark, then the second runtime when it is another major version. */
export function benchRuntimes(root: string): Runtime[] {
  const here = runtimeAt(process.execPath);
  const named = process.env['BRIEFWIRE_BENCH_NODE'];
  if (!named && process.versions.node.split('.')[0] === SECOND_MAJOR) return [here];
  const other = named ?? installedNode24(root);
  return other ? [here, runtimeAt(other)] : [here];
}

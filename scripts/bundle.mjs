// Builds the single-file CommonJS bundles the units and `npm start` run (after tsc has written dist/):
//   dist/clawsupd.cjs       from src/daemon/clawsupd.ts, without zod (see isolatedConfigLoader)
//   dist/config-loader.cjs  from src/config/config-loader-child.ts: the daemon's config loader, run as its child
// One file and a CommonJS entry load less than the ES modules of dist/ (Node 24: an ES module entry alone costs about
// 11 MiB of RSS). Packages only a feature needs (undici, redis, prom-client) stay in node_modules and are required
// when that feature first runs. Usage: node scripts/bundle.mjs [--metafile] [--out-dir DIR] (DIR: a bench's copy)
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SRC = join(ROOT, 'src');
const DIST = join(ROOT, 'dist');
const BUNDLES = [
  { entry: 'src/daemon/clawsupd.ts', outfile: 'dist/clawsupd.cjs', lazyImports: 'bundled', isolatesConfigLoader: true, leavesPinoTransportsOut: true },
  { entry: 'src/config/config-loader-child.ts', outfile: 'dist/config-loader.cjs', lazyImports: 'bundled' },
  // clawctl's entry and its status command, the path monitoring checks run; every other command stays an ES module
  // in dist/ and is imported when it runs, so `clawctl status` parses none of them (nor zod).
  { entry: 'src/cli/clawctl.ts', outfile: 'dist/clawctl.cjs', lazyImports: 'from-dist', bundledCommands: ['status'] },
];
// Native (node-unix-socket) or loaded only by a feature that is off by default.
const EXTERNAL = ['node-unix-socket', 'undici', 'redis', '@redis/*', 'prom-client'];

const MODULE_URL = '__clawsupModuleUrl';
// A function declaration at the end is hoisted: callable from the first line, and "use strict" stays the first line.
const FOOTER = `function ${MODULE_URL}(path) { return require('node:url').pathToFileURL(require('node:path').join(__dirname, path)).href; }`;

/**
 * Each module keeps its own location: `import.meta.url` becomes the URL of its file in dist/ (which ships beside the
 * bundle), so `new URL('../package.json', import.meta.url)` and `createRequire(import.meta.url)` resolve as before.
 */
function keepModuleUrls(outDir) {
  return {
    name: 'keep-module-urls',
    setup(builder) {
      builder.onLoad({ filter: /\.ts$/ }, async (args) => {
        const text = await readFile(args.path, 'utf8');
        if (!args.path.startsWith(SRC) || !text.includes('import.meta.url')) return { contents: text, loader: 'ts' };
        const distFile = join(DIST, relative(SRC, args.path)).replace(/\.ts$/, '.js');
        const fromBundle = JSON.stringify(relative(outDir, distFile));
        // A helper in the footer: a module may declare its own `require` (createRequire), which would shadow ours.
        return { contents: text.split('import.meta.url').join(`${MODULE_URL}(${fromBundle})`), loader: 'ts' };
      });
    },
  };
}

/**
 * The daemon loads its config through load-config-isolated.ts (a child runs the schema), and zod stays out of its file:
 * zod and its schemas are about 8 MiB of a daemon's heap. A module of the daemon that imports zod is a build error.
 */
function isolatedConfigLoader() {
  const loader = join(SRC, 'config', 'load-config.ts');
  return {
    name: 'isolated-config-loader',
    setup(builder) {
      builder.onResolve({ filter: /load-config\.js$/ }, (args) => {
        if (join(args.resolveDir, args.path.replace(/\.js$/, '.ts')) !== loader) return undefined;
        return { path: join(SRC, 'config', 'load-config-isolated.ts') };
      });
      builder.onResolve({ filter: /^zod(\/|$)/ }, (args) => ({
        errors: [{ text: `${relative(ROOT, args.importer)} imports zod: the daemon must not hold it (validate with src/check-value.ts, or in the config loader)` }],
      }));
    },
  };
}

/**
 * pino's parts the daemon never runs stay out of its file: transports (thread-stream, which loads node:worker_threads,
 * node:assert and node:module for the daemon's life) and its default destination, sonic-boom (node:assert): the
 * daemon's logger writes through its own destination (src/daemon/log-destination.ts). About 1.5 MiB of RSS on Node 24.
 */
function pinoWithoutTransports() {
  const refuse = (what) => `throw new Error(${JSON.stringify(`${what} is not in clawsupd's bundle: the daemon logs through src/daemon/log-destination.ts`)});`;
  const replacements = {
    './transport': `module.exports = function transport() { ${refuse('pino.transport')} };`,
    'sonic-boom': `module.exports = class SonicBoom { constructor() { ${refuse('pino.destination')} } };`,
    // pino reads it only for a sonic-boom it builds itself; the bundle is always its process's main thread.
    worker_threads: 'module.exports = { isMainThread: true };',
  };
  return {
    name: 'pino-without-transports',
    setup(builder) {
      builder.onResolve({ filter: /^(\.\/(lib\/)?transport|sonic-boom|worker_threads)$/ }, (args) => {
        if (!/[\\/]node_modules[\\/]pino[\\/]/.test(args.importer)) return undefined;
        return { path: args.path.endsWith('transport') ? './transport' : args.path, namespace: 'pino-not-bundled' };
      });
      builder.onLoad({ filter: /.*/, namespace: 'pino-not-bundled' }, (args) => ({ contents: replacements[args.path], loader: 'js' }));
    },
  };
}

const outDirArg = process.argv.indexOf('--out-dir');
const outDir = outDirArg === -1 ? null : process.argv[outDirArg + 1];

/**
 * Every import() of a module of ours stays a real import of its file in dist/, except the commands in `bundled`:
 * what a command loads on demand (another command, the config loader, zod) is parsed only when it runs.
 */
function dynamicImportsFromDist(bundled, outDirOfBundle) {
  const commandsIndex = join(SRC, 'cli', 'commands', 'index.ts');
  return {
    name: 'dynamic-imports-from-dist',
    setup(builder) {
      builder.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind !== 'dynamic-import') return undefined;
        if (args.importer === commandsIndex && bundled.includes(args.path.slice(2, -3))) return undefined;
        // A package clawctl reads the config with (json5) is small: bundled, and evaluated only when imported.
        if (!args.path.startsWith('.')) return undefined;
        const distFile = join(DIST, relative(SRC, dirname(args.importer)), args.path);
        return { path: `./${relative(outDirOfBundle, distFile)}`, external: true };
      });
    },
  };
}

for (const { entry, outfile, lazyImports, bundledCommands = [], isolatesConfigLoader = false, leavesPinoTransportsOut = false } of BUNDLES) {
  const outPath = outDir ? join(outDir, outfile.replace(/^dist\//, '')) : join(ROOT, outfile);
  const result = await build({
    entryPoints: [join(ROOT, entry)],
    outfile: outPath,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: EXTERNAL,
    // The daemon: a feature's `await import('undici')` becomes a require, so no ES module loader is started.
    // clawctl: a command not bundled is a real import() of its file in dist/.
    supported: { 'dynamic-import': lazyImports === 'from-dist' },
    // Identifiers too: the daemon keeps its source in its heap, and smaller text compiles in blocks glibc gives back
    // (units' MALLOC_MMAP_THRESHOLD_); keepNames keeps the names stack traces and logs show.
    minify: true,
    keepNames: true,
    legalComments: 'none',
    footer: { js: FOOTER },
    metafile: process.argv.includes('--metafile'),
    logLevel: 'warning',
    plugins: [
      ...(isolatesConfigLoader ? [isolatedConfigLoader()] : []),
      ...(leavesPinoTransportsOut ? [pinoWithoutTransports()] : []),
      keepModuleUrls(dirname(outPath)),
      ...(lazyImports === 'from-dist' ? [dynamicImportsFromDist(bundledCommands, dirname(outPath))] : []),
    ],
  });
  if (result.metafile) {
    const bytesByPackage = {};
    for (const [path, { bytes }] of Object.entries(result.metafile.inputs)) {
      const name = path.startsWith('src/') ? 'src' : (/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? path);
      bytesByPackage[name] = (bytesByPackage[name] ?? 0) + bytes;
    }
    const rows = Object.entries(bytesByPackage).sort((a, b) => b[1] - a[1]);
    process.stdout.write(`${outfile}:\n${rows.map(([name, bytes]) => `  ${name} ${(bytes / 1024).toFixed(0)} KiB`).join('\n')}\n`);
  }
}

// Bundles the console (src/console/main.tsx, Preact + uPlot) into dist/console/ with esbuild.
// Run by `npm run build`; the gateway serves dist/console/ at / (src/api/routes/console.ts).
import { copyFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = (rel) => fileURLToPath(new URL(rel, import.meta.url));
const out = here('../../dist/console/');
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [here('main.tsx')],
  outfile: `${out}console.js`,
  bundle: true,
  minify: true,
  sourcemap: 'linked',
  format: 'esm',
  target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  legalComments: 'none',
  logLevel: 'warning',
});
copyFileSync(here('index.html'), `${out}index.html`);

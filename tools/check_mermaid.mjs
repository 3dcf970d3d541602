// Checks Mermaid files with Mermaid's own parser (Node.js with the npm packages mermaid
// and jsdom installed in a node_modules folder):
//   NODE_PATH=/path/to/node_modules node tools/check_mermaid.mjs FILE...
// Exit status 0 when every file parses. tests/app/explain_test.cpp runs it when
// P2PSIM_MERMAID_NODE_PATH names such a node_modules folder.
import fs from 'fs';
import { createRequire } from 'module';
import { pathToFileURL } from 'url';

const base = process.env.NODE_PATH ? process.env.NODE_PATH.replace(/\/?$/, '/') : process.cwd() + '/';
const require = createRequire(base);
const load = async (name) => import(pathToFileURL(require.resolve(name)).href);

const { JSDOM } = await load('jsdom');
const dom = new JSDOM('<!DOCTYPE html><body></body>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const mermaid = (await load('mermaid')).default;
mermaid.initialize({ startOnLoad: false });
for (const f of process.argv.slice(2)) {
  try {
    await mermaid.parse(fs.readFileSync(f, 'utf8'));
    console.log(f, 'OK');
  } catch (e) {
    console.log(f, 'ERROR', e.message);
    process.exitCode = 1;
  }
}

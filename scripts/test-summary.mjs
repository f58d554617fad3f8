// Prints the closing line CI reads: "N passed, N failed" (plus skipped) over vitest and Playwright.
// Arguments: any number of vitest JSON reports, then the Playwright report last.
import { existsSync, readFileSync } from "node:fs";
let passed = 0, failed = 0, skipped = 0;
const args = process.argv.slice(2);
const playwrightJson = args.pop();
for (const vitestJson of args) {
  if (vitestJson && existsSync(vitestJson)) {
    const v = JSON.parse(readFileSync(vitestJson, "utf8"));
    passed += v.numPassedTests; failed += v.numFailedTests + (v.numRuntimeErrorTestSuites ?? 0); skipped += v.numPendingTests + (v.numTodoTests ?? 0);
  } else failed += 1;
}
if (playwrightJson && existsSync(playwrightJson)) {
  const s = JSON.parse(readFileSync(playwrightJson, "utf8")).stats ?? {};
  passed += s.expected ?? 0; failed += (s.unexpected ?? 0); skipped += s.skipped ?? 0;
} else failed += 1;
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);

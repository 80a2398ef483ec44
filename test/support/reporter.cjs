'use strict';
// Mocha's spec output plus the closing line CI reads: "N passed, N failed[, N skipped]".
const { appendFileSync } = require('node:fs');
const Mocha = require('mocha');

const { EVENT_RUN_END } = Mocha.Runner.constants;

class SpecWithSummary extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(EVENT_RUN_END, () => {
      const { passes, failures, pending } = this.stats;
      const line = `${passes} passed, ${failures} failed${pending ? `, ${pending} skipped` : ''}`;
      process.stdout.write(`\n${line}\n`);
      if (process.env.TEST_SUMMARY_FILE)
        appendFileSync(process.env.TEST_SUMMARY_FILE, `${passes} ${failures}\n`);
    });
  }
}

module.exports = SpecWithSummary;

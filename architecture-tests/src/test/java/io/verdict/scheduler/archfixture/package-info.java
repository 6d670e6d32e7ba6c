/**
 * Fixtures for the architecture rules: a miniature of the real layout under this root, where some classes break
 * a rule on purpose. {@code RulesCatchViolationsTest} runs the rules, built for this root, against them.
 */
package io.verdict.scheduler.archfixture;

/**
 * Benchmarks: measured after warm-up, median and spread of several repetitions. They run from the
 * {@code bench} command, never as part of the test suite.
 */
package dev.diversify.bench;

/**
 * JMH benchmarks and load drivers. Never run by CI; results go to {@code benchmarks/RESULTS.md}.
 */
package io.peerwatt.benchmarks;

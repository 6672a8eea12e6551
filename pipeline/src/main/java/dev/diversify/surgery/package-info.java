/**
 * Physical pruning: applies a {@link dev.diversify.graph.PruningPlan} to a computation graph by
 * rebuilding its configuration with fewer channels and copying the kept slices of every parameter.
 */
package dev.diversify.surgery;

/**
 * What a network costs: trainable parameters, batch-norm statistics, MACs and FLOPs, per layer and in
 * total, counted from any supported graph configuration.
 */
package dev.diversify.metrics;

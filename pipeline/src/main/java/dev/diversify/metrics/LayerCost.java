package dev.diversify.metrics;

/**
 * The cost of one layer: trainable parameters (weights, biases, batch-norm gamma and beta),
 * batch-norm running statistics (mean and variance, kept apart), and multiply-accumulates of one
 * forward pass of one image (convolutions and dense layers only).
 */
public record LayerCost(String name, String type, long inChannels, long outChannels, long params,
                        long bnStatistics, long macs) {
}

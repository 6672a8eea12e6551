package dev.diversify.layers;

/**
 * The cost of one layer: trainable parameters (weights, biases, batch-norm gamma and beta),
 * batch-norm running statistics (mean and variance, kept apart), and multiply-accumulates of one
 * forward pass of one image (convolutions and dense layers only); ALGORITHM.md, "What every run reports".
 * All are counts, not bytes; FLOPs are 2 x MACs.
 *
 * @param name         the vertex name
 * @param type         {@code conv}, {@code batchnorm}, {@code dense} or {@code output}
 * @param inChannels   nIn: input channels (a dense layer: input features)
 * @param outChannels  nOut: output channels (a dense layer: features or classes)
 * @param params       trainable parameters
 * @param bnStatistics batch-norm running statistics (2 per channel), 0 for other layers
 * @param macs         multiply-accumulates for one image
 */
public record LayerCost(String name, String type, long inChannels, long outChannels, long params,
                        long bnStatistics, long macs) {
}

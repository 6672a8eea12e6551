package dev.diversify.layers;

/**
 * How a vertex's output channels relate to its inputs' channels (ALGORITHM.md, "Coupled channels",
 * "Concatenations" and "What a removed output channel takes with it").
 */
public enum ChannelFlow {
    /** Starts new channels that pruning may remove: a convolution's filters. */
    PRUNABLE,
    /** Starts new channels that always stay: dense and output layers (features, classes). */
    FIXED,
    /** Passes its single input's channels on, one for one: batch norm, activations, pooling, dropout, reshaping. */
    PASS_THROUGH,
    /** Joins its inputs' channels in input order: DenseNet's concatenation. */
    CONCATENATE,
    /** Adds its inputs channel by channel, which ties their channels together: ResNet's residual sum. */
    ADD
}

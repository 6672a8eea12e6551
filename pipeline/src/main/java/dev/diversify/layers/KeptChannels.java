package dev.diversify.layers;

/**
 * The channels one vertex keeps under a pruning plan, as positions in its channel lists before
 * pruning (sorted ascending). Computed on demand, since only layers with parameters ask.
 */
public interface KeptChannels {
    /** Kept positions of the vertex's single input, sorted ascending, in [0, {@link #inputCount()}). */
    int[] input();

    /** How many channels the vertex's single input had before pruning. */
    int inputCount();

    /** Kept positions of the vertex's output channels, sorted ascending. */
    int[] output();
}

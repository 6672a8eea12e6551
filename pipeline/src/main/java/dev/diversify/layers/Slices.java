package dev.diversify.layers;

/**
 * Which rows of a layer's input side and which output channels its parameters keep; null keeps all.
 * For a dense layer reading a flattened map, {@code in} lists kept input features (H*W per kept channel).
 *
 * @param in  kept input positions, sorted ascending: a convolution's input channels, a batch norm's
 *     channels, a dense layer's input rows; null: all
 * @param out kept output channels, sorted ascending; null: all (dense and output layers)
 */
public record Slices(int[] in, int[] out) {
}

package dev.diversify.backend;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.cpu.nativecpu.NDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An activation gradient in {@link Layout#CHANNELS_LAST}, as our layers return it to DL4J, that adds another
 * gradient of the same layout into itself as the flat vector it is.
 *
 * <p>Why: where an activation feeds two layers (a residual block's output feeds the next block's first
 * convolution and its shortcut), DL4J's {@code ComputationGraph.calcBackpropGradients} sums their gradients with
 * {@code INDArray.addi}. ND4J adds arrays whose strides are not C order element by element through index
 * arithmetic: 3.0 ms for two channels-last [64, 16, 32, 32] arrays against 0.41 ms in C order, about 18 ms of a
 * 146 ms ResNet20 training step (13.6 % of it in a CPU profile; docs/PERFORMANCE.md, "Summing gradients in
 * channels-last"). Two arrays that lay the same elements out in the same dense order add as vectors, with the
 * same float sums as ND4J's element by element.
 *
 * <p>Everything else, and {@code addi} with an array of another shape, type or layout, is ND4J's own: this is a
 * view of the same buffer with the same shape and strides, so DL4J reads, copies and validates it as the array
 * it was made from.
 */
final class ChannelsLastGradient extends NDArray {
    private static final AtomicLong FLAT_SUMS = new AtomicLong();

    private ChannelsLastGradient(INDArray a) {
        super(a.data(), a.shape(), a.stride(), a.offset(), a.ordering(), a.dataType());
    }

    /**
     * {@code gradient} as a {@code ChannelsLastGradient} when it is a float array in {@link Layout#CHANNELS_LAST},
     * else {@code gradient} itself (an N, C, H, W array is C order, which ND4J adds fast already), and always when
     * {@value OneDnn#SUM_PROPERTY} is {@code nd4j} (read at every call, so that one JVM can alternate the two:
     * {@code bench/AlternatingSteps.java}).
     */
    static INDArray of(INDArray gradient) {
        return !"nd4j".equals(System.getProperty(OneDnn.SUM_PROPERTY)) && gradient.dataType() == DataType.FLOAT
                && Layout.of(gradient) == Layout.CHANNELS_LAST ? new ChannelsLastGradient(gradient) : gradient;
    }

    /** How many {@code addi} calls, in this process, added two gradients as flat vectors. */
    static long flatSums() {
        return FLAT_SUMS.get();
    }

    /** {@code this += other}, element by element; returns this array. */
    @Override
    public INDArray addi(INDArray other) {
        if (other.dataType() == DataType.FLOAT && Arrays.equals(other.shape(), shape())
                && Layout.of(other) == Layout.CHANNELS_LAST && Layout.of(this) == Layout.CHANNELS_LAST) {
            flat(this).addi(flat(other));
            FLAT_SUMS.incrementAndGet();
            return this;
        }
        return super.addi(other);
    }

    /** The elements of a dense array as a vector in memory order: a view of the same buffer. */
    private static INDArray flat(INDArray dense) {
        return Nd4j.create(dense.data(), new long[] {dense.length()}, new long[] {1}, dense.offset(), 'c',
                dense.dataType());
    }

    /** Serialised as the plain ND4J array it views (ND4J's own {@code writeReplace} is private to its class). */
    private Object writeReplace() {
        return Nd4j.create(data(), shape(), stride(), offset(), ordering(), dataType());
    }
}

package dev.diversify.backend;

import static dev.diversify.backend.Dnnl.held;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.stream;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * How the elements of an [N, C, H, W] activation lie in memory, as our oneDNN layers read and write them.
 * DL4J always sees the shape [N, C, H, W]; only the strides differ, so any DL4J layer or ND4J op reads the
 * same values from either (PyTorch's {@code channels_last} memory format is the same idea).
 *
 * <p>Why: oneDNN's batch-norm kernels for N, H, W, C order are JIT kernels, 2.3-3x faster than its plain
 * C++ kernel for N, C, H, W (where it has one for the channel count: {@link Choice#forActivation}), and its
 * convolutions read and write N, H, W, C directly, where N, C, H, W costs a reorder into a blocked layout and
 * one back around every convolution (docs/PERFORMANCE.md, "Channels-last activations").
 */
enum Layout {
    /** N, C, H, W in C order: DL4J's own layout, and what a dense array of any rank is to a ReLU. */
    NCHW(memory.format_tag.nchw),
    /** N, H, W, C in C order, seen by DL4J as an [N, C, H, W] array with strides [HWC, 1, WC, C]. */
    CHANNELS_LAST(memory.format_tag.nhwc);

    /**
     * The system property that keeps every activation in {@link #NCHW} when set to {@code nchw} (to compare, or
     * to rule channels-last out); by default a convolution or a concatenation whose outputs feed
     * only our layers writes {@link #CHANNELS_LAST} ({@link #forOutput}). Read when {@link OneDnn#useOwnHelpers}
     * sets a graph up.
     */
    static final String PROPERTY = "diversify.layout";

    final memory.format_tag tag;

    Layout(memory.format_tag tag) {
        this.tag = tag;
    }

    /**
     * How a convolution or a concatenation chooses the layout of its output: channels-last when its consumers
     * are all our layers and vertices ({@code feedsOnlyOurs}), else N, C, H, W, because DL4J's layers copy a
     * channels-last input (its convolution), or are slower on it (its concatenation: DenseNet-40-12 trained
     * 5-8 % slower). Batch norm, ReLU and additions pass the layout on, so a DL4J layer after them (VGG16's
     * pooling, ResNet's global pooling) may still read channels-last arrays, which it reads correctly.
     * {@link #NCHW} when {@value #PROPERTY} is {@code nchw}.
     *
     * @param readByBatchNorm whether a batch norm reads the output (see {@link Choice#forActivation})
     */
    static Choice forOutput(boolean feedsOnlyOurs, boolean readByBatchNorm) {
        return new Choice(feedsOnlyOurs && !"nchw".equals(System.getProperty(PROPERTY)) ? CHANNELS_LAST : NCHW,
                readByBatchNorm);
    }

    /** A layer's layout for its outputs: {@code preferred}, and whether a batch norm reads them. */
    record Choice(Layout preferred, boolean readByBatchNorm) {
        /**
         * The layout to write an output of {@code dims} in: the preferred one, except N, C, H, W instead of
         * channels-last where a batch norm reads it and oneDNN's batch norm has no channels-last JIT kernel for
         * its channel count ({@link OneDnnBatchNorm#hasJitKernel}; with activations of 6, 9, 15 ... channels
         * channels-last, DenseNet-BC at width 0.25 trained 0.65x as fast).
         */
        Layout forActivation(long[] dims) {
            return preferred == CHANNELS_LAST && readByBatchNorm && !OneDnnBatchNorm.hasJitKernel(preferred, dims)
                    ? NCHW : preferred;
        }
    }

    /**
     * The layout of {@code a} when its elements lie without gaps in one of ours, else null. A rank-4 array that
     * is dense in both (one channel, or 1x1 images) is {@link #NCHW}.
     */
    static Layout of(INDArray a) {
        if (Dnnl.isDense(a)) {
            return NCHW;
        }
        return a.rank() == 4 && Dnnl.isDense(a, 0, 2, 3, 1) ? CHANNELS_LAST : null;
    }

    /** {@code a} itself when it is in one of our layouts, else a dense N, C, H, W copy that is. */
    static INDArray inOneOf(INDArray a) {
        return of(a) == null ? a.dup('c') : a;
    }

    /** A new uninitialised float array of DL4J shape {@code shape} ([N, C, H, W]) in this layout. */
    INDArray create(LayerWorkspaceMgr workspaceMgr, ArrayType type, long[] shape) {
        if (this == NCHW) {
            return workspaceMgr.createUninitialized(type, DataType.FLOAT, shape, 'c');
        }
        return workspaceMgr.createUninitialized(type, DataType.FLOAT, new long[] {shape[0], shape[2], shape[3], shape[1]},
                'c').permute(0, 3, 1, 2);
    }

    /**
     * A new uninitialised float activation gradient of DL4J shape {@code shape} ([N, C, H, W]) in this layout, in
     * {@link ArrayType#ACTIVATION_GRAD} memory, as a layer returns it to DL4J: one that DL4J sums another gradient
     * into fast ({@link ChannelsLastGradient}).
     */
    INDArray createGradient(LayerWorkspaceMgr workspaceMgr, long[] shape) {
        return ChannelsLastGradient.of(create(workspaceMgr, ArrayType.ACTIVATION_GRAD, shape));
    }

    /** oneDNN's description of a float [N, C, H, W] tensor of {@code dims} in this layout. */
    memory.desc desc(long[] dims) {
        return new memory.desc(dims, memory.data_type.f32, tag);
    }

    /**
     * Copies arrays of rank 4 into a given layout with oneDNN's reorder (ND4J's strided copy is several times
     * slower). Where an activation and its gradient meet in different layouts (a DL4J vertex between two of
     * ours), a layer brings the gradient into its activation's layout. One instance serves one layer, from one
     * thread at a time.
     */
    static final class Converter {
        private final Map<String, Dnnl.Reorder> reorders = Dnnl.primitiveCache(evicted -> { });

        /**
         * {@code a} itself when it is in {@code layout} already, else a copy in {@code layout} in {@code type}
         * memory (held in {@code held} until the caller's stream is done).
         */
        INDArray to(Layout layout, INDArray a, LayerWorkspaceMgr workspaceMgr, ArrayType type, stream stream,
                    List<INDArray> held) {
            Layout from = of(a);
            if (from == layout) {
                return a;
            }
            INDArray target = held(held, layout.create(workspaceMgr, type, a.shape()));
            if (from == null) { // a view with gaps: ND4J's copy reads it
                target.assign(a);
                return target;
            }
            long[] dims = a.shape();
            reorders.computeIfAbsent(Arrays.toString(dims) + from + layout,
                    k -> new Dnnl.Reorder(from.desc(dims), layout.desc(dims))).execute(a, target, stream);
            return target;
        }
    }
}

package dev.diversify.backend;

import static dev.diversify.backend.Dnnl.CPU;
import static dev.diversify.backend.Dnnl.dense;
import static dev.diversify.backend.Dnnl.held;
import static dev.diversify.backend.Dnnl.isDense;
import static dev.diversify.backend.Dnnl.unbound;

import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.convolution_backward_data;
import org.bytedeco.dnnl.convolution_backward_weights;
import org.bytedeco.dnnl.convolution_forward;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.primitive;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.dnnl.stream;
import org.bytedeco.javacpp.Pointer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.ConvolutionHelper;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.ConvolutionUtils;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * 2-D convolution on oneDNN's direct convolution primitives, called through {@code org.bytedeco:dnnl},
 * in place of DL4J's oneDNN helper.
 *
 * <p>Why: DL4J's helper lets oneDNN choose the algorithm, and on thin layers oneDNN chose Winograd for
 * the backward-data pass: 6.2 ms a call where the direct kernel takes 0.2 ms (ResNet56 at width 0.25,
 * docs/PERFORMANCE.md, "Convolution on oneDNN's direct primitives").
 *
 * <p>Handles float NCHW input [N, C, H, W] with weights [outC, C, kH, kW] (DL4J's layout), any stride,
 * dilation and padding, "same" mode and truncated borders included (a border no output reads is a
 * negative padding to oneDNN); for anything else (NHWC, other data types) it returns {@code null} and
 * DL4J's layer computes the result itself. The output is in the layout {@link OneDnn} chose for the layer
 * (N, C, H, W where a batch norm reads it and is slow on channels-last, {@link Layout.Choice#forActivation});
 * when either it or the input is channels-last and the output has at least 8x8 pixels, oneDNN's kernels read
 * and write channels-last directly. The input's gradient comes in the input's layout. Other arrays are
 * reordered to the layouts oneDNN's kernels prefer through working memory of DL4J's workspaces. One instance
 * serves one layer, from one thread at a time.
 */
public final class OneDnnConvolution implements ConvolutionHelper {
    /** The forward pass in a row, since the last backward pass, from which the reordered weights are kept: inference. */
    private static final int KEEP_WEIGHTS_FROM = 3;
    private final boolean hasBias;
    private final Layout.Choice output;
    private final stream stream = new stream(CPU);
    private final Layout.Converter converter = new Layout.Converter();
    private INDArray reorderedInput;
    private INDArray reorderedFrom;
    private Plan reorderedFor;
    private int declined;
    private int reusedWeights;
    /**
     * Forward passes since the last backward pass: one or two in training (DL4J repeats the forward pass in the
     * backward pass of a layer that caches nothing), many in inference.
     */
    private int forwardsSinceBackward;
    private final Map<String, Plan> plans = Dnnl.primitiveCache(evicted -> { });

    /**
     * @param hasBias whether the layer has a bias; DL4J hands helpers a zero bias and a scratch gradient
     *                for layers without one, which this then ignores
     * @param output  how to choose the layout of outputs
     */
    OneDnnConvolution(boolean hasBias, Layout.Choice output) {
        this.hasBias = hasBias;
        this.output = output;
    }

    @Override
    public boolean checkSupported() {
        return true;
    }

    @Override
    public INDArray preOutput(INDArray input, INDArray weights, INDArray bias, int[] kernel, int[] strides, int[] pad,
                              ConvolutionLayer.AlgoMode mode, ConvolutionLayer.FwdAlgo fwdAlgo,
                              ConvolutionMode convolutionMode, int[] dilation, CNN2DFormat format,
                              LayerWorkspaceMgr workspaceMgr) {
        Plan p = plan(input, weights, kernel, strides, pad, convolutionMode, dilation, format);
        if (p == null) {
            declined++;
            return null;
        }
        List<INDArray> held = new ArrayList<>();
        INDArray out = p.dstLayout.create(workspaceMgr, ArrayType.ACTIVATIONS, p.outShape);
        // the reordered input lives as long as the layer's activations when the backward-weights pass can use it
        ArrayType kept = p.weightsSrcIsForwardSrc ? ArrayType.ACTIVATIONS : ArrayType.FF_WORKING_MEM;
        reorderedInput = p.src.in(held(held, Layout.inOneOf(input)), workspaceMgr, kept, stream, held);
        reorderedFrom = p.weightsSrcIsForwardSrc ? input : null;
        reorderedFor = p;
        forwardsSinceBackward++;
        if (forwardsSinceBackward < KEEP_WEIGHTS_FROM || p.weights.reorder == null) {
            p.weights.in(held(held, dense(weights)), workspaceMgr, ArrayType.FF_WORKING_MEM, stream, held);
        } else {
            for (Plan other : plans.values()) { // one batch shape keeps weights at a time
                if (other != p) {
                    other.releaseWeights();
                }
            }
            if (p.bindKeptWeights(held(held, dense(weights)), stream)) {
                reusedWeights++;
            }
        }
        if (hasBias) {
            Dnnl.bind(p.bias, held(held, dense(bias)));
        }
        p.dst.outBuffer(out, workspaceMgr, ArrayType.FF_WORKING_MEM, held);
        p.forwardScratchpad.bind(workspaceMgr, ArrayType.FF_WORKING_MEM, held);
        p.forward.execute(stream, p.forwardArgs);
        p.dst.out(stream);
        stream._wait();
        Reference.reachabilityFence(held);
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray input, INDArray weights, INDArray bias, INDArray delta,
                                                     int[] kernel, int[] strides, int[] pad, INDArray biasGradView,
                                                     INDArray weightGradView, IActivation afn,
                                                     ConvolutionLayer.AlgoMode mode,
                                                     ConvolutionLayer.BwdFilterAlgo bwdFilterAlgo,
                                                     ConvolutionLayer.BwdDataAlgo bwdDataAlgo,
                                                     ConvolutionMode convolutionMode, int[] dilation,
                                                     CNN2DFormat format, LayerWorkspaceMgr workspaceMgr) {
        forwardsSinceBackward = 0;
        plans.values().forEach(Plan::releaseWeights); // training: the weights change at every step
        Plan p = plan(input, weights, kernel, strides, pad, convolutionMode, dilation, format);
        if (p == null || !isDense(weightGradView) || (hasBias && !isDense(biasGradView))
                || !Arrays.equals(p.outShape, delta.shape())) {
            declined++;
            return null;
        }
        ArrayType working = ArrayType.BP_WORKING_MEM;
        Backward b = p.backward();
        List<INDArray> held = new ArrayList<>();
        INDArray dx = p.srcLayout.createGradient(workspaceMgr, input.shape());
        INDArray diffDst = converter.to(p.dstLayout, delta, workspaceMgr, working, stream, held);
        INDArray dataDiffDst = b.dataDiffDst.in(diffDst, workspaceMgr, working, stream, held);
        b.dataWeights.in(held(held, dense(weights)), workspaceMgr, working, stream, held);
        b.diffSrc.outBuffer(dx, workspaceMgr, working, held);
        b.dataScratchpad.bind(workspaceMgr, working, held);
        b.data.execute(stream, b.dataArgs);
        b.diffSrc.out(stream);

        if (reorderedFrom == input && reorderedFor == p && reorderedInput != null) {
            Dnnl.bind(b.weightsSrc.primitive, held(held, reorderedInput));
        } else {
            b.weightsSrc.in(held(held, Layout.inOneOf(input)), workspaceMgr, working, stream, held);
        }
        if (b.weightsDiffDstIsDataDiffDst && dataDiffDst != null) {
            Dnnl.bind(b.weightsDiffDst.primitive, dataDiffDst);
        } else {
            b.weightsDiffDst.in(diffDst, workspaceMgr, working, stream, held);
        }
        b.diffWeights.outBuffer(weightGradView, workspaceMgr, working, held);
        if (hasBias) {
            Dnnl.bind(b.diffBias, biasGradView);
        }
        b.weightsScratchpad.bind(workspaceMgr, working, held);
        b.weights.execute(stream, b.weightsArgs);
        b.diffWeights.out(stream);
        stream._wait();
        Reference.reachabilityFence(held);
        reorderedInput = null;
        reorderedFrom = null;
        reorderedFor = null;

        Gradient g = new DefaultGradient();
        if (hasBias) {
            g.gradientForVariable().put(ConvolutionParamInitializer.BIAS_KEY, biasGradView);
        }
        g.gradientForVariable().put(ConvolutionParamInitializer.WEIGHT_KEY, weightGradView);
        return new Pair<>(g, dx);
    }

    /** How many calls this left to DL4J's built-in path (a layout or geometry it does not handle). */
    int declined() {
        return declined;
    }

    /** How many forward passes used the weights kept from the one before (see {@link Plan#bindKeptWeights}). */
    int reusedWeights() {
        return reusedWeights;
    }

    @Override
    public INDArray activate(INDArray z, IActivation afn, boolean training) {
        return afn.getActivation(z, training);
    }

    @Override
    public Map<String, Long> helperMemoryUse() {
        return Map.of();
    }

    /** The primitives for this call's shapes and geometry, or null when DL4J's own path must compute it (NHWC, not float). */
    private Plan plan(INDArray input, INDArray weights, int[] kernel, int[] strides, int[] pad,
                      ConvolutionMode convolutionMode, int[] dilation, CNN2DFormat format) {
        if (format != CNN2DFormat.NCHW || input.rank() != 4 || input.dataType() != DataType.FLOAT
                || weights.dataType() != DataType.FLOAT || weights.rank() != 4 || input.size(1) != weights.size(1)) {
            return null;
        }
        int[] in = {(int) input.size(2), (int) input.size(3)};
        int[] outSize;
        int[] padBefore;
        if (convolutionMode == ConvolutionMode.Same) {
            outSize = ConvolutionUtils.getOutputSize(input, kernel, strides, null, convolutionMode, dilation, format);
            padBefore = ConvolutionUtils.getSameModeTopLeftPadding(outSize, in, kernel, strides, dilation);
        } else {
            outSize = ConvolutionUtils.getOutputSize(input, kernel, strides, pad, convolutionMode, dilation, format);
            padBefore = pad;
        }
        long[] padAfter = new long[2];
        for (int i = 0; i < 2; i++) {
            // what the last output position reads beyond the input (DL4J's "same" pads more after than
            // before); negative where the last rows are never read (stride 2 on an even side, truncation)
            padAfter[i] = (long) (outSize[i] - 1) * strides[i] + (long) (kernel[i] - 1) * dilation[i] + 1 - in[i] - padBefore[i];
        }
        long[] outShape = {input.size(0), weights.size(0), outSize[0], outSize[1]};
        Layout srcLayout = Layout.of(input);
        Geometry geometry = new Geometry(input.shape(), weights.shape(), outShape, hasBias,
                new long[] {strides[0], strides[1]}, new long[] {dilation[0] - 1, dilation[1] - 1},
                new long[] {padBefore[0], padBefore[1]}, padAfter, srcLayout == null ? Layout.NCHW : srcLayout,
                output.forActivation(outShape), Dnnl.threads());
        return plans.computeIfAbsent(geometry.toString(), k -> new Plan(geometry));
    }

    /**
     * A call's geometry, the layouts of its input (which its gradient gets too) and of its output (which the
     * output's gradient is brought into), and the OpenMP threads its primitives are made for.
     */
    private record Geometry(long[] src, long[] weights, long[] dst, boolean bias, long[] strides, long[] dilation,
                            long[] padBefore, long[] padAfter, Layout srcLayout, Layout dstLayout, int threads) {
        @Override
        public String toString() {
            return Arrays.toString(src) + Arrays.toString(weights) + Arrays.toString(dst) + bias + Arrays.toString(strides)
                    + Arrays.toString(dilation) + Arrays.toString(padBefore) + Arrays.toString(padAfter) + srcLayout
                    + dstLayout + threads;
        }
    }

    /**
     * One argument of a primitive: the user's array in one of our {@link Layout}s (or DL4J's weight layout) and,
     * when the primitive wants another layout, a buffer of that layout and the reorder between the two.
     */
    private static final class Operand implements AutoCloseable {
        final memory user;
        final memory primitive;
        final reorder reorder;
        final IntMemoryMap reorderArgs = new IntMemoryMap();
        final long bufferFloats;

        Operand(memory.desc userDesc, memory.desc wanted, boolean input) {
            user = unbound(userDesc);
            if (userDesc.equals(wanted)) {
                primitive = user;
                reorder = null;
                bufferFloats = 0;
            } else {
                primitive = unbound(wanted);
                reorder = input ? new reorder(user, primitive) : new reorder(primitive, user);
                reorderArgs.put(dnnl.DNNL_ARG_FROM, input ? user : primitive);
                reorderArgs.put(dnnl.DNNL_ARG_TO, input ? primitive : user);
                bufferFloats = wanted.get_size() / Float.BYTES;
            }
        }

        /**
         * Binds an input array, reordering it into a buffer of {@code working} memory when the primitive wants
         * another layout.
         *
         * @return the buffer, or null when the primitive reads {@code array} itself
         */
        INDArray in(INDArray array, LayerWorkspaceMgr workspaceMgr, ArrayType working, stream stream,
                    List<INDArray> held) {
            Dnnl.bind(user, array);
            if (reorder == null) {
                return null;
            }
            INDArray buffer = held(held, workspaceMgr.createUninitialized(working, DataType.FLOAT,
                    new long[] {bufferFloats}, 'c'));
            Dnnl.bind(primitive, buffer);
            reorder.execute(stream, reorderArgs);
            return buffer;
        }

        /** Binds an output array, and the working-memory buffer the primitive writes first when layouts differ. */
        void outBuffer(INDArray array, LayerWorkspaceMgr workspaceMgr, ArrayType working, List<INDArray> held) {
            Dnnl.bind(user, array);
            if (reorder != null) {
                Dnnl.bind(primitive, held(held, workspaceMgr.createUninitialized(working, DataType.FLOAT,
                        new long[] {bufferFloats}, 'c')));
            }
        }

        /** Copies the primitive's result into the output array when it was written to a buffer. */
        void out(stream stream) {
            if (reorder != null) {
                reorder.execute(stream, reorderArgs);
            }
        }

        @Override
        public void close() {
            if (reorder != null) {
                reorder.close();
            }
            reorderArgs.close();
        }
    }

    /**
     * The forward, backward-data and backward-weights primitives for one geometry, with their operands.
     * The backward primitives are created on the first backward pass: networks that only infer (the sweep
     * evaluates every pruned candidate) never pay for their kernels.
     */
    private static final class Plan implements AutoCloseable {
        final long[] outShape;
        final Layout srcLayout;
        final Layout dstLayout;
        final primitive forward;
        final Operand src;
        final Operand weights;
        final memory bias;
        final Operand dst;
        final boolean weightsSrcIsForwardSrc;
        final IntMemoryMap forwardArgs = new IntMemoryMap();
        final Dnnl.Scratchpad forwardScratchpad;
        private final boolean hasBias;
        private final memory.desc srcUser;
        private final memory.desc weightsUser;
        private final memory.desc dstUser;
        private final memory.desc biasDesc;
        private final convolution_backward_data.primitive_desc bwdData;
        private final convolution_backward_weights.primitive_desc bwdWeights;
        private Backward backward;
        /** Detached: the weights as DL4J gave them, and in the forward primitive's layout; null when none are kept. */
        private INDArray keptFrom;
        private INDArray kept;
        /** Whether {@link #kept} is {@link #keptFrom} reordered (not while a reorder into it is under way). */
        private boolean keptValid;

        Plan(Geometry g) {
            outShape = g.dst();
            hasBias = g.bias();
            srcLayout = g.srcLayout();
            dstLayout = g.dstLayout();
            srcUser = srcLayout.desc(g.src());
            weightsUser = desc(g.weights(), memory.format_tag.oihw);
            dstUser = dstLayout.desc(g.dst());
            biasDesc = desc(new long[] {g.dst()[1]}, memory.format_tag.a);
            // channels-last: oneDNN's kernels read and write N, H, W, C itself, without reorders into its
            // blocked layouts; but on outputs of fewer than 8x8 pixels its blocked kernels are faster (VGG16's
            // 512-channel layers at 4x4 and 2x2: forward 46.0 and 35.9 ms against 29.0 and 12.5 ms blocked),
            // and there, as without channels-last, oneDNN picks the layouts
            boolean channelsLast = dstLayout == Layout.CHANNELS_LAST || srcLayout == Layout.CHANNELS_LAST;
            memory.format_tag activations = channelsLast && g.dst()[2] * g.dst()[3] >= 64 ? memory.format_tag.nhwc
                    : memory.format_tag.any;
            memory.desc srcAny = desc(g.src(), activations);
            memory.desc weightsAny = desc(g.weights(), memory.format_tag.any);
            memory.desc dstAny = desc(g.dst(), activations);
            convolution_forward.primitive_desc fwd = new convolution_forward.primitive_desc(g.bias()
                    ? new convolution_forward.desc(dnnl.prop_kind.forward_training, dnnl.algorithm.convolution_direct,
                            srcAny, weightsAny, biasDesc, dstAny, g.strides(), g.dilation(), g.padBefore(), g.padAfter())
                    : new convolution_forward.desc(dnnl.prop_kind.forward_training, dnnl.algorithm.convolution_direct,
                            srcAny, weightsAny, dstAny, g.strides(), g.dilation(), g.padBefore(), g.padAfter()),
                    Dnnl.userScratchpad(), CPU);
            // descriptors are cheap; kernels are generated when a primitive is created
            bwdData = new convolution_backward_data.primitive_desc(
                    new convolution_backward_data.desc(dnnl.algorithm.convolution_direct, srcAny, weightsAny, dstAny,
                            g.strides(), g.dilation(), g.padBefore(), g.padAfter()), Dnnl.userScratchpad(), CPU, fwd);
            bwdWeights = new convolution_backward_weights.primitive_desc(g.bias()
                    ? new convolution_backward_weights.desc(dnnl.algorithm.convolution_direct, srcAny, weightsAny, biasDesc,
                            dstAny, g.strides(), g.dilation(), g.padBefore(), g.padAfter())
                    : new convolution_backward_weights.desc(dnnl.algorithm.convolution_direct, srcAny, weightsAny,
                            dstAny, g.strides(), g.dilation(), g.padBefore(), g.padAfter()), Dnnl.userScratchpad(), CPU,
                    fwd);
            forward = new convolution_forward(fwd);
            forwardScratchpad = new Dnnl.Scratchpad(fwd, forwardArgs);
            src = new Operand(srcUser, fwd.src_desc(), true);
            weights = new Operand(weightsUser, fwd.weights_desc(), true);
            dst = new Operand(dstUser, fwd.dst_desc(), false);
            bias = unbound(biasDesc);
            weightsSrcIsForwardSrc = bwdWeights.src_desc().equals(fwd.src_desc());
            forwardArgs.put(dnnl.DNNL_ARG_SRC, src.primitive);
            forwardArgs.put(dnnl.DNNL_ARG_WEIGHTS, weights.primitive);
            forwardArgs.put(dnnl.DNNL_ARG_DST, dst.primitive);
            if (hasBias) {
                forwardArgs.put(dnnl.DNNL_ARG_BIAS, bias);
            }
        }

        /**
         * Binds the weights, in the forward primitive's layout, for a forward pass in inference (the third or
         * later in a row with no backward pass between): the ones kept from the last such pass when
         * {@code weights} are bit for bit the ones they came from, else {@code weights} reordered anew and kept,
         * with a copy to compare the next call's with. Why: inference reordered every
         * layer's weights on every batch, 21 oneDNN calls a ResNet20 step, 3.7 ms of a logged step where
         * PyTorch's took 0.16 ms (docs/PERFORMANCE.md, "Inference keeps the reordered weights"). Costs twice the
         * weights' memory while kept, and a comparison (a read of both copies) per pass.
         *
         * @param weights dense, in DL4J's [outC, C, kH, kW] C order
         * @return whether the kept weights served
         */
        boolean bindKeptWeights(INDArray weights, stream stream) {
            long bytes = weights.length() * Float.BYTES;
            if (keptValid && Pointer.memcmp(keptFrom.data().addressPointer(), weights.data().addressPointer(), bytes) == 0) {
                Dnnl.bind(this.weights.primitive, kept);
                return true;
            }
            if (kept == null) {
                keptFrom = Nd4j.createUninitializedDetached(DataType.FLOAT, weights.length());
                kept = Nd4j.createUninitializedDetached(DataType.FLOAT, this.weights.bufferFloats);
            }
            keptValid = false;
            Dnnl.bind(this.weights.user, weights);
            Dnnl.bind(this.weights.primitive, kept);
            this.weights.reorder.execute(stream, this.weights.reorderArgs);
            Pointer.memcpy(keptFrom.data().addressPointer(), weights.data().addressPointer(), bytes);
            keptValid = true;
            return false;
        }

        /** Frees the kept weights. */
        void releaseWeights() {
            if (kept != null) {
                keptValid = false;
                kept.close();
                keptFrom.close();
                kept = null;
                keptFrom = null;
            }
        }

        Backward backward() {
            if (backward == null) {
                backward = new Backward(this);
            }
            return backward;
        }

        private static memory.desc desc(long[] dims, memory.format_tag tag) {
            return new memory.desc(dims, memory.data_type.f32, tag);
        }

        @Override
        public void close() {
            releaseWeights();
            for (Operand operand : new Operand[] {src, weights, dst}) {
                operand.close();
            }
            forwardArgs.close();
            forward.close();
            if (backward != null) {
                backward.close();
            }
        }
    }

    /** The backward-data and backward-weights primitives of a {@link Plan}, with their operands. */
    private static final class Backward implements AutoCloseable {
        final primitive data;
        final primitive weights;
        final Operand dataDiffDst;
        final Operand dataWeights;
        final Operand diffSrc;
        final Operand weightsSrc;
        final Operand weightsDiffDst;
        final Operand diffWeights;
        final memory diffBias;
        final boolean weightsDiffDstIsDataDiffDst;
        final IntMemoryMap dataArgs = new IntMemoryMap();
        final IntMemoryMap weightsArgs = new IntMemoryMap();
        final Dnnl.Scratchpad dataScratchpad;
        final Dnnl.Scratchpad weightsScratchpad;

        Backward(Plan p) {
            data = new convolution_backward_data(p.bwdData);
            weights = new convolution_backward_weights(p.bwdWeights);
            dataDiffDst = new Operand(p.dstUser, p.bwdData.diff_dst_desc(), true);
            dataWeights = new Operand(p.weightsUser, p.bwdData.weights_desc(), true);
            diffSrc = new Operand(p.srcUser, p.bwdData.diff_src_desc(), false);
            weightsSrc = new Operand(p.srcUser, p.bwdWeights.src_desc(), true);
            weightsDiffDst = new Operand(p.dstUser, p.bwdWeights.diff_dst_desc(), true);
            diffWeights = new Operand(p.weightsUser, p.bwdWeights.diff_weights_desc(), false);
            diffBias = unbound(p.biasDesc);
            weightsDiffDstIsDataDiffDst = p.bwdWeights.diff_dst_desc().equals(p.bwdData.diff_dst_desc());
            dataScratchpad = new Dnnl.Scratchpad(p.bwdData, dataArgs);
            weightsScratchpad = new Dnnl.Scratchpad(p.bwdWeights, weightsArgs);
            dataArgs.put(dnnl.DNNL_ARG_DIFF_DST, dataDiffDst.primitive);
            dataArgs.put(dnnl.DNNL_ARG_WEIGHTS, dataWeights.primitive);
            dataArgs.put(dnnl.DNNL_ARG_DIFF_SRC, diffSrc.primitive);
            weightsArgs.put(dnnl.DNNL_ARG_SRC, weightsSrc.primitive);
            weightsArgs.put(dnnl.DNNL_ARG_DIFF_DST, weightsDiffDst.primitive);
            weightsArgs.put(dnnl.DNNL_ARG_DIFF_WEIGHTS, diffWeights.primitive);
            if (p.hasBias) {
                weightsArgs.put(dnnl.DNNL_ARG_DIFF_BIAS, diffBias);
            }
        }

        @Override
        public void close() {
            for (Operand operand : new Operand[] {dataDiffDst, dataWeights, diffSrc, weightsSrc, weightsDiffDst,
                    diffWeights}) {
                operand.close();
            }
            dataArgs.close();
            weightsArgs.close();
            data.close();
            weights.close();
        }
    }
}

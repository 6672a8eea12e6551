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
import java.util.concurrent.ConcurrentHashMap;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.batch_normalization_backward;
import org.bytedeco.dnnl.batch_normalization_forward;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.primitive;
import org.bytedeco.dnnl.stream;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.normalization.BatchNormalizationHelper;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Batch normalization (Ioffe and Szegedy 2015) on oneDNN's own {@code batch_normalization} primitives,
 * called directly through {@code org.bytedeco:dnnl}, in place of DL4J's oneDNN helper.
 *
 * <p>Why: DL4J's helper computes the batch statistics with two ND4J reductions before calling oneDNN,
 * and its backward op is slow; oneDNN's training primitive computes the statistics itself. Measured
 * on 2 cores, batch norm forward and backward of a [64, 16, 32, 32] activation took 17.6 ms through
 * DL4J's helper and 8-9 ms here (docs/PERFORMANCE.md, "Batch norm on oneDNN's own primitive").
 *
 * <p>Handles float NCHW activations of rank 4 ([N, C, H, W]; DL4J passes rank-2 input as [N, C, 1, 1])
 * with learned gamma and beta, and writes its output and the input's gradient in the input's {@link Layout}
 * (channels-last after our convolutions); for anything else it returns {@code null}, and DL4J's layer computes
 * the result with its built-in implementation. One instance serves one layer, from one thread at a
 * time, as DL4J's helpers do. The batch variance is the biased one (divided by N*H*W), as in DL4J.
 */
public final class OneDnnBatchNorm implements BatchNormalizationHelper {
    private static final Map<String, Boolean> JIT_KERNELS = new ConcurrentHashMap<>();
    private final stream stream = new stream(CPU);
    private final Layout.Converter converter = new Layout.Converter();
    private final Map<String, Primitives> byShape = Dnnl.primitiveCache(evicted -> {
        if (evicted == this.lastTraining) {
            this.lastTraining = null; // its backward pass, if one comes, is left to DL4J
        }
    });
    private INDArray batchMean;
    private INDArray batchVariance;
    private Primitives lastTraining;
    private int declined;

    @Override
    public boolean checkSupported() {
        return true;
    }

    @Override
    public boolean checkSupported(double eps, boolean fixedGammaBeta) {
        return !fixedGammaBeta;
    }

    @Override
    public INDArray preOutput(INDArray x, boolean training, long[] shape, INDArray gamma, INDArray beta, INDArray mean,
                              INDArray var, double decay, double eps, CNN2DFormat format, LayerWorkspaceMgr workspaceMgr) {
        if (!handles(x, format) || gamma == null || beta == null) {
            lastTraining = null;
            declined++;
            return null;
        }
        List<INDArray> held = new ArrayList<>();
        x = held(held, Layout.inOneOf(x));
        Layout layout = Layout.of(x);
        Primitives p = primitives(x.shape(), (float) eps, training, layout);
        INDArray out = layout.create(workspaceMgr, ArrayType.ACTIVATIONS, x.shape());
        if (training) {
            long channels = x.size(1);
            if (batchMean == null || batchMean.length() != channels) {
                try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                    batchMean = Nd4j.createUninitialized(DataType.FLOAT, channels);
                    batchVariance = Nd4j.createUninitialized(DataType.FLOAT, channels);
                }
            }
            mean = batchMean;
            var = batchVariance;
            lastTraining = p;
        }
        p.bind(p.src, x).bind(p.dst, out).bind(p.mean, held(held, dense(mean))).bind(p.variance, held(held, dense(var)))
                .bind(p.scale, held(held, dense(gamma))).bind(p.shift, held(held, dense(beta)));
        p.forwardScratchpad.bind(workspaceMgr, ArrayType.FF_WORKING_MEM, held);
        p.forward.execute(stream, p.forwardArgs);
        stream._wait();
        Reference.reachabilityFence(held);
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray input, INDArray epsilon, long[] shape, INDArray gamma,
                                                     INDArray beta, INDArray dGammaView, INDArray dBetaView, double eps,
                                                     CNN2DFormat format, LayerWorkspaceMgr workspaceMgr) {
        Primitives p = lastTraining;
        if (p == null || !handles(input, format) || gamma == null || beta == null || dGammaView == null
                || !isDense(dGammaView) || !isDense(dBetaView) || !Arrays.equals(p.dims, input.shape())) {
            declined++;
            return null;
        }
        List<INDArray> held = new ArrayList<>();
        INDArray dx = p.layout.createGradient(workspaceMgr, input.shape());
        ArrayType working = ArrayType.BP_WORKING_MEM;
        p.bind(p.src, converter.to(p.layout, input, workspaceMgr, working, stream, held))
                .bind(p.diffDst, converter.to(p.layout, epsilon, workspaceMgr, working, stream, held)).bind(p.diffSrc, dx)
                .bind(p.mean, batchMean).bind(p.variance, batchVariance).bind(p.scale, held(held, dense(gamma)))
                .bind(p.shift, held(held, dense(beta))).bind(p.diffScale, dGammaView).bind(p.diffShift, dBetaView);
        p.backwardScratchpad.bind(workspaceMgr, working, held);
        p.backward.execute(stream, p.backwardArgs);
        stream._wait();
        Reference.reachabilityFence(held);
        Gradient g = new DefaultGradient();
        g.setGradientFor(BatchNormalizationParamInitializer.GAMMA, dGammaView);
        g.setGradientFor(BatchNormalizationParamInitializer.BETA, dBetaView);
        return new Pair<>(g, dx);
    }

    /** How many calls this left to DL4J's built-in path (a layout or data type it does not handle). */
    int declined() {
        return declined;
    }

    @Override
    public INDArray getMeanCache(DataType dataType) {
        return batchMean;
    }

    @Override
    public INDArray getVarCache(DataType dataType) {
        return batchVariance;
    }

    @Override
    public Map<String, Long> helperMemoryUse() {
        return Map.of();
    }

    private static boolean handles(INDArray x, CNN2DFormat format) {
        return x.dataType() == DataType.FLOAT && x.rank() == 4 && format == CNN2DFormat.NCHW;
    }

    private Primitives primitives(long[] dims, float eps, boolean training, Layout layout) {
        String key = Arrays.toString(dims) + eps + training + layout + Dnnl.threads();
        return byShape.computeIfAbsent(key, k -> new Primitives(dims, eps, training, layout));
    }

    /**
     * Whether oneDNN runs batch norm over a float [N, C, H, W] array of {@code dims} in {@code layout} on a JIT
     * kernel. Why: for channels-last it has vector kernels only for some channel counts (seen here: multiples of
     * 16 on AVX-512, of 8 on AVX2, of 4 on SSE 4.1); for others (6, 9, 15, 21 ... channels, DenseNet at width 0.25)
     * it falls back to a generic kernel that took 17.5 ms for the backward pass of [128, 6, 32, 32] where the
     * N, C, H, W kernel takes 5.3 ms (docs/PERFORMANCE.md, "DenseNet's concatenations in channels-last").
     * Creates a primitive descriptor only (no kernel is generated), once per layout and shape in a process.
     */
    static boolean hasJitKernel(Layout layout, long[] dims) {
        return JIT_KERNELS.computeIfAbsent(layout + Arrays.toString(dims), k -> {
            dnnl.normalization_flags flags = dnnl.or(dnnl.normalization_flags.use_scale,
                    dnnl.normalization_flags.use_shift);
            try (batch_normalization_forward.primitive_desc desc = new batch_normalization_forward.primitive_desc(
                    new batch_normalization_forward.desc(dnnl.prop_kind.forward_training, layout.desc(dims), 1e-5f,
                            flags), CPU)) {
                return desc.impl_info_str().getString().contains("jit");
            }
        });
    }

    /**
     * The primitives and argument maps for one input shape and layout; memory objects are rebound to each
     * call's arrays. The output and the input's gradient are in the input's layout.
     */
    private static final class Primitives implements AutoCloseable {
        final long[] dims;
        final Layout layout;
        final primitive forward;
        final primitive backward;
        final memory src;
        final memory dst;
        final memory mean;
        final memory variance;
        final memory scale;
        final memory shift;
        final memory diffDst;
        final memory diffSrc;
        final memory diffScale;
        final memory diffShift;
        final IntMemoryMap forwardArgs = new IntMemoryMap();
        final IntMemoryMap backwardArgs = new IntMemoryMap();
        final Dnnl.Scratchpad forwardScratchpad;
        final Dnnl.Scratchpad backwardScratchpad;

        Primitives(long[] dims, float eps, boolean training, Layout layout) {
            this.dims = dims.clone();
            this.layout = layout;
            memory.desc data = layout.desc(dims);
            memory.desc channels = new memory.desc(new long[] {dims[1]}, memory.data_type.f32, memory.format_tag.a);
            dnnl.normalization_flags flags = dnnl.or(dnnl.normalization_flags.use_scale, dnnl.normalization_flags.use_shift);
            if (!training) {
                flags = dnnl.or(flags, dnnl.normalization_flags.use_global_stats);
            }
            batch_normalization_forward.primitive_desc forwardDesc = new batch_normalization_forward.primitive_desc(
                    new batch_normalization_forward.desc(training ? dnnl.prop_kind.forward_training
                            : dnnl.prop_kind.forward_inference, data, eps, flags), Dnnl.userScratchpad(), CPU);
            forward = new batch_normalization_forward(forwardDesc);
            forwardScratchpad = new Dnnl.Scratchpad(forwardDesc, forwardArgs);
            batch_normalization_backward.primitive_desc backwardDesc = training
                    ? new batch_normalization_backward.primitive_desc(new batch_normalization_backward.desc(
                            dnnl.prop_kind.backward, data, data, eps, flags), Dnnl.userScratchpad(), CPU, forwardDesc)
                    : null;
            backward = training ? new batch_normalization_backward(backwardDesc) : null;
            backwardScratchpad = training ? new Dnnl.Scratchpad(backwardDesc, backwardArgs) : null;
            src = unbound(data);
            dst = unbound(data);
            diffDst = unbound(data);
            diffSrc = unbound(data);
            mean = unbound(channels);
            variance = unbound(channels);
            scale = unbound(channels);
            shift = unbound(channels);
            diffScale = unbound(channels);
            diffShift = unbound(channels);
            forwardArgs.put(dnnl.DNNL_ARG_SRC, src);
            forwardArgs.put(dnnl.DNNL_ARG_DST, dst);
            forwardArgs.put(dnnl.DNNL_ARG_MEAN, mean);
            forwardArgs.put(dnnl.DNNL_ARG_VARIANCE, variance);
            forwardArgs.put(dnnl.DNNL_ARG_SCALE, scale);
            forwardArgs.put(dnnl.DNNL_ARG_SHIFT, shift);
            backwardArgs.put(dnnl.DNNL_ARG_SRC, src);
            backwardArgs.put(dnnl.DNNL_ARG_MEAN, mean);
            backwardArgs.put(dnnl.DNNL_ARG_VARIANCE, variance);
            backwardArgs.put(dnnl.DNNL_ARG_SCALE, scale);
            backwardArgs.put(dnnl.DNNL_ARG_SHIFT, shift);
            backwardArgs.put(dnnl.DNNL_ARG_DIFF_DST, diffDst);
            backwardArgs.put(dnnl.DNNL_ARG_DIFF_SRC, diffSrc);
            backwardArgs.put(dnnl.DNNL_ARG_DIFF_SCALE, diffScale);
            backwardArgs.put(dnnl.DNNL_ARG_DIFF_SHIFT, diffShift);
        }

        Primitives bind(memory m, INDArray a) {
            Dnnl.bind(m, a);
            return this;
        }

        @Override
        public void close() {
            forwardArgs.close();
            backwardArgs.close();
            forward.close();
            if (backward != null) {
                backward.close();
            }
        }
    }
}

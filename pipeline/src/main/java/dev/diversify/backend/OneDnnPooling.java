package dev.diversify.backend;

import static dev.diversify.backend.Dnnl.CPU;
import static dev.diversify.backend.Dnnl.held;
import static dev.diversify.backend.Dnnl.unbound;

import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.pooling_forward;
import org.bytedeco.dnnl.stream;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A max or average pooling layer whose forward pass runs on oneDNN's pooling primitive, reading and writing
 * the input's {@link Layout} (channels-last between our layers), for the same configuration (DL4J's
 * {@link org.deeplearning4j.nn.conf.layers.SubsamplingLayer}). The backward pass is DL4J's, which computes it
 * from the input alone.
 *
 * <p>Why: DL4J's layer hands a channels-last input to ND4J's {@code maxpool2d}/{@code avgpool2d} ops, whose
 * oneDNN path transposes it into N, C, H, W and back and returns N, C, H, W, which the next convolution
 * reorders again; pooling took 10 % of a pruned VGG16's inference (docs/PERFORMANCE.md, "Pooling on oneDNN").
 *
 * <p>Handles float [N, C, H, W] input with DL4J's N, C, H, W data format, undilated windows that need no
 * padding ({@link ConvolutionMode#Truncate}, or {@link ConvolutionMode#Same} where its padding is 0, as for a
 * 2x2 window with stride 2 on even sizes); anything else (padding, dilation, p-norm pooling, NHWC format,
 * other data types) goes to DL4J's implementation, which this class extends, so it stays a
 * {@code SubsamplingLayer} to any code that asks. The configuration is DL4J's own: a saved network is
 * unchanged. One instance serves one layer, from one thread at a time.
 */
public final class OneDnnPooling extends SubsamplingLayer {
    private final stream stream = new stream(CPU);
    private final Map<String, Primitive> byShape = Dnnl.primitiveCache(evicted -> { });
    private int declined;

    /**
     * Takes the place of {@code layer}: its configuration, index, listeners and cache mode.
     *
     * @throws IllegalArgumentException when its configuration is not one ours computes ({@link #handles})
     */
    OneDnnPooling(Layer layer) {
        super(layer.conf(), ((SubsamplingLayer) layer).getDataType());
        if (!handles(layerConf())) {
            throw new IllegalArgumentException("not a pooling configuration OneDnnPooling computes: " + layerConf());
        }
        setIndex(layer.getIndex());
        setListeners(layer.getListeners());
        setCacheMode(((SubsamplingLayer) layer).getCacheMode());
    }

    /** True for the configurations whose forward pass ours may compute (input shapes aside). */
    static boolean handles(org.deeplearning4j.nn.conf.layers.SubsamplingLayer conf) {
        return (conf.getPoolingType() == PoolingType.MAX || conf.getPoolingType() == PoolingType.AVG)
                && conf.getCnn2dDataFormat() == CNN2DFormat.NCHW
                && Arrays.stream(conf.getDilation()).allMatch(d -> d == 1)
                && (conf.getConvolutionMode() == ConvolutionMode.Same
                    || conf.getConvolutionMode() == ConvolutionMode.Truncate
                        && Arrays.stream(conf.getPadding()).allMatch(p -> p == 0));
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        org.deeplearning4j.nn.conf.layers.SubsamplingLayer conf = layerConf();
        long[] dims = input.shape();
        long[] outDims = input.rank() == 4 ? outputDims(conf, dims) : null;
        if (input.dataType() != DataType.FLOAT || outDims == null) {
            declined++;
            return super.activate(training, workspaceMgr);
        }
        List<INDArray> held = new ArrayList<>();
        INDArray x = held(held, Layout.inOneOf(input));
        Layout layout = Layout.of(x);
        INDArray out = layout.create(workspaceMgr, ArrayType.ACTIVATIONS, outDims);
        Primitive p = byShape.computeIfAbsent(Arrays.toString(dims) + layout,
                k -> new Primitive(conf, layout, dims, outDims));
        Dnnl.bind(p.src, x);
        Dnnl.bind(p.dst, out);
        p.forward.execute(stream, p.args);
        stream._wait();
        Reference.reachabilityFence(held);
        return out;
    }

    /** How many calls this left to DL4J's implementation. */
    int declined() {
        return declined;
    }

    /**
     * The output dims DL4J's layer computes for {@code dims} ([N, C, H, W]) when oneDNN's unpadded windows give
     * the same ("same" mode: ceil(size / stride), with padding only where the last window would not fit), else
     * null: padding needed, DL4J's path.
     */
    private static long[] outputDims(org.deeplearning4j.nn.conf.layers.SubsamplingLayer conf, long[] dims) {
        int[] k = conf.getKernelSize();
        int[] s = conf.getStride();
        long[] out = {dims[0], dims[1], 0, 0};
        for (int i = 0; i < 2; i++) {
            long size = dims[2 + i];
            long unpadded = size < k[i] ? 0 : (size - k[i]) / s[i] + 1;
            long dl4js = conf.getConvolutionMode() == ConvolutionMode.Same ? (size + s[i] - 1) / s[i] : unpadded;
            if (unpadded == 0 || dl4js != unpadded) {
                return null;
            }
            out[2 + i] = unpadded;
        }
        return out;
    }

    /** The forward primitive for one input shape and layout. */
    private static final class Primitive implements AutoCloseable {
        final pooling_forward forward;
        final memory src;
        final memory dst;
        final IntMemoryMap args = new IntMemoryMap();

        Primitive(org.deeplearning4j.nn.conf.layers.SubsamplingLayer conf, Layout layout, long[] dims, long[] outDims) {
            int[] k = conf.getKernelSize();
            int[] s = conf.getStride();
            dnnl.algorithm algorithm = conf.getPoolingType() == PoolingType.MAX ? dnnl.algorithm.pooling_max
                    : dnnl.algorithm.pooling_avg_exclude_padding; // no padding: the divisor is the window either way
            memory.desc srcDesc = layout.desc(dims);
            memory.desc dstDesc = layout.desc(outDims);
            forward = new pooling_forward(new pooling_forward.primitive_desc(new pooling_forward.desc(
                    dnnl.prop_kind.forward_inference, algorithm, srcDesc, dstDesc,
                    new long[] {s[0], s[1]}, new long[] {k[0], k[1]}, new long[] {0, 0}, new long[] {0, 0}), CPU));
            src = unbound(srcDesc);
            dst = unbound(dstDesc);
            args.put(dnnl.DNNL_ARG_SRC, src);
            args.put(dnnl.DNNL_ARG_DST, dst);
        }

        @Override
        public void close() {
            args.close();
            forward.close();
        }
    }
}

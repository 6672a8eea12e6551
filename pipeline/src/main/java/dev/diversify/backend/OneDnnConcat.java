package dev.diversify.backend;

import static dev.diversify.backend.Dnnl.held;

import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.bytedeco.dnnl.stream;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.vertex.impl.MergeVertex;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A concatenation vertex along channels, [N, C_0, H, W], [N, C_1, H, W], ... -> [N, C_0 + C_1 + ..., H, W]
 * (DenseNet's), with one oneDNN reorder per input into the output's channel slice, from whatever layout the
 * input is in; each input's gradient is its slice of the output's gradient, in that input's layout. The output
 * is in the layout {@link OneDnn} chose for the vertex ({@link Layout.Choice#forActivation}).
 *
 * <p>Why: DL4J's {@link MergeVertex} writes N, C, H, W only, so in a DenseNet the batch norm that reads each
 * concatenation ran on oneDNN's plain N, C, H, W kernel and every convolution after it reordered its input into
 * channels-last: with this vertex DenseNet-BC-40-12 infers 1.31x and DenseNet-40-12 1.37x as fast (at 1.13x and
 * 1.31x PyTorch's rate), and a DenseNet-40-12 training step takes 0.70x the time it took with N, C, H, W
 * concatenations (docs/PERFORMANCE.md, "DenseNet's concatenations in channels-last" and "Channels-last
 * concatenations in training too").
 *
 * <p>Handles two or more float inputs of rank 4 with the same N, H and W in a float network, concatenated along dimension 1
 * ({@link OneDnn} only replaces vertices configured so); anything else (other ranks, data types, one input)
 * goes to DL4J's implementation, which this class extends, so it stays a {@code MergeVertex} to any code that
 * asks. The configuration is DL4J's own: a saved network is unchanged. One instance serves one vertex, from
 * one thread at a time.
 */
public final class OneDnnConcat extends MergeVertex {
    private final Layout.Choice output;
    private final stream stream = new stream(Dnnl.CPU);
    private final Map<String, Dnnl.Reorder> reorders;
    /** The inputs' shapes and layouts of the last forward pass, or null when DL4J's implementation computed it. */
    private long[][] shapes;
    private Layout[] inputLayouts;
    private int declined;

    /** Takes the place of {@code vertex}, a concatenation along channels: its graph, name, index and connections. */
    OneDnnConcat(MergeVertex vertex, Layout.Choice output) {
        super(vertex.getGraph(), vertex.getVertexName(), vertex.getVertexIndex(), vertex.getInputVertices(),
                vertex.getOutputVertices(), vertex.getDataType(), 1);
        setOutputVertex(vertex.isOutputVertex());
        this.output = output;
        // a reorder per input, forward and backward, for two batch sizes (the last batch of an epoch)
        reorders = Dnnl.primitiveCache(4 * Math.max(2, vertex.getInputVertices().length), evicted -> { });
    }

    @Override
    public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        shapes = null;
        inputLayouts = null;
        if (!canDoForward() || getDataType() != DataType.FLOAT || !handles(inputs)) {
            declined++;
            return super.doForward(training, workspaceMgr);
        }
        long[] shape = inputs[0].shape().clone();
        shape[1] = Arrays.stream(inputs).mapToLong(a -> a.size(1)).sum();
        INDArray out = output.forActivation(shape).create(workspaceMgr, ArrayType.ACTIVATIONS, shape);
        List<INDArray> held = new ArrayList<>();
        long channel = 0;
        for (INDArray input : inputs) {
            copy(input, held(held, channels(out, channel, input.size(1))));
            channel += input.size(1);
        }
        stream._wait();
        Reference.reachabilityFence(held);
        shapes = Arrays.stream(inputs).map(INDArray::shape).toArray(long[][]::new);
        inputLayouts = Arrays.stream(inputs).map(Layout::of).map(l -> l == null ? Layout.NCHW : l).toArray(Layout[]::new);
        return out;
    }

    @Override
    public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
        if (shapes == null) {
            return super.doBackward(tbptt, workspaceMgr);
        }
        if (!canDoBackward()) {
            throw new IllegalStateException("Cannot do backward pass: errors not set");
        }
        List<INDArray> held = new ArrayList<>();
        INDArray source = held(held, epsilon.dataType() == DataType.FLOAT ? epsilon : epsilon.castTo(DataType.FLOAT));
        INDArray[] gradients = new INDArray[shapes.length];
        long channel = 0;
        for (int i = 0; i < gradients.length; i++) {
            gradients[i] = inputLayouts[i].createGradient(workspaceMgr, shapes[i]);
            copy(held(held, channels(source, channel, shapes[i][1])), gradients[i]);
            channel += shapes[i][1];
        }
        stream._wait();
        Reference.reachabilityFence(held);
        return new Pair<>(null, gradients);
    }

    /** How many forward passes this left to DL4J's implementation. */
    int declined() {
        return declined;
    }

    /** True for two or more float inputs of rank 4 that differ at most in their channels. */
    private static boolean handles(INDArray[] inputs) {
        if (inputs.length < 2) {
            return false;
        }
        for (INDArray input : inputs) {
            if (input.rank() != 4 || input.dataType() != DataType.FLOAT || input.size(0) != inputs[0].size(0)
                    || input.size(2) != inputs[0].size(2) || input.size(3) != inputs[0].size(3)) {
                return false;
            }
        }
        return true;
    }

    /** The view of channels [from, from + count) of an [N, C, H, W] array. */
    private static INDArray channels(INDArray a, long from, long count) {
        return a.get(NDArrayIndex.all(), NDArrayIndex.interval(from, from + count), NDArrayIndex.all(), NDArrayIndex.all());
    }

    /** Queues the copy of {@code source} into {@code target} (one shape, any strides) on the stream. */
    private void copy(INDArray source, INDArray target) {
        String key = Arrays.toString(source.shape()) + Arrays.toString(source.stride()) + Arrays.toString(target.stride());
        reorders.computeIfAbsent(key, k -> new Dnnl.Reorder(Dnnl.strided(source), Dnnl.strided(target)))
                .execute(source, target, stream);
    }
}

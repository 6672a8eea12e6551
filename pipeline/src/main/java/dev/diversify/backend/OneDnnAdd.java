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
import org.bytedeco.dnnl.binary;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.stream;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.vertex.impl.ElementWiseVertex;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An addition vertex, out = in_0 + in_1 + ... element by element (a residual connection), on oneDNN's
 * {@code binary} primitive, that keeps its inputs' {@link Layout}: the output and every input's gradient
 * (a copy of the output's gradient, as in DL4J) are in the layout the inputs share.
 *
 * <p>Why: DL4J's {@link ElementWiseVertex} always writes N, C, H, W, so after our channels-last layers every
 * residual block paid a layout conversion forward and another backward (docs/PERFORMANCE.md, "Channels-last
 * activations").
 *
 * <p>Handles two or more float inputs of one shape in one layout, in a float network; anything else (broadcasting, other data
 * types, mixed layouts) goes to DL4J's implementation, which this class extends, so it stays an
 * {@code ElementWiseVertex} to any code that asks. The configuration is DL4J's own: a saved network is
 * unchanged. One instance serves one vertex, from one thread at a time.
 */
public final class OneDnnAdd extends ElementWiseVertex {
    private final stream stream = new stream(CPU);
    private final Layout.Converter converter = new Layout.Converter();
    private final Map<String, Primitives> byLength = Dnnl.primitiveCache(evicted -> { });
    /** The layout of the last forward pass, or null when DL4J's implementation computed it. */
    private Layout computed;
    private int declined;

    /** Takes the place of {@code vertex}, an addition: its graph, name, index and connections. */
    OneDnnAdd(ElementWiseVertex vertex) {
        super(vertex.getGraph(), vertex.getVertexName(), vertex.getVertexIndex(), vertex.getInputVertices(),
                vertex.getOutputVertices(), Op.Add, vertex.getDataType());
        setOutputVertex(vertex.isOutputVertex());
    }

    @Override
    public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        computed = canDoForward() && getDataType() == DataType.FLOAT ? sharedLayout(inputs) : null;
        if (computed == null) {
            declined++;
            return super.doForward(training, workspaceMgr);
        }
        INDArray out = computed.create(workspaceMgr, ArrayType.ACTIVATIONS, inputs[0].shape());
        Primitives p = primitives(out.length());
        for (int i = 1; i < inputs.length; i++) {
            Dnnl.bind(p.src0, i == 1 ? inputs[0] : out);
            Dnnl.bind(p.src1, inputs[i]);
            Dnnl.bind(p.dst, out);
            p.add.execute(stream, p.addArgs);
        }
        stream._wait();
        return out;
    }

    @Override
    public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
        if (computed == null) {
            return super.doBackward(tbptt, workspaceMgr);
        }
        if (!canDoBackward()) {
            throw new IllegalStateException("Cannot do backward pass: errors not set");
        }
        List<INDArray> held = new ArrayList<>();
        INDArray source = epsilon.dataType() == DataType.FLOAT
                ? converter.to(computed, epsilon, workspaceMgr, ArrayType.BP_WORKING_MEM, stream, held)
                : held(held, computed.create(workspaceMgr, ArrayType.BP_WORKING_MEM, epsilon.shape()).assign(epsilon));
        Primitives p = primitives(source.length());
        INDArray[] gradients = new INDArray[inputs.length];
        for (int i = 0; i < gradients.length; i++) {
            gradients[i] = computed.createGradient(workspaceMgr, source.shape());
            p.copy.execute(source, gradients[i], stream);
        }
        stream._wait();
        Reference.reachabilityFence(held);
        return new Pair<>(null, gradients);
    }

    /** How many forward passes this left to DL4J's implementation. */
    int declined() {
        return declined;
    }

    /** The layout all of {@code inputs} are in, when there are two or more of one shape, all float; else null. */
    private static Layout sharedLayout(INDArray[] inputs) {
        if (inputs.length < 2) {
            return null;
        }
        Layout layout = Layout.of(inputs[0]);
        for (INDArray input : inputs) {
            if (input.dataType() != DataType.FLOAT || !Arrays.equals(input.shape(), inputs[0].shape())
                    || Layout.of(input) != layout) {
                return null;
            }
        }
        return layout;
    }

    private Primitives primitives(long length) {
        return byLength.computeIfAbsent(Long.toString(length), k -> new Primitives(length));
    }

    /**
     * The addition and the copy for one element count. Both are element by element over arrays in one
     * layout without gaps, so an array of any shape is a one-dimensional tensor to oneDNN.
     */
    private static final class Primitives implements AutoCloseable {
        final binary add;
        final Dnnl.Reorder copy;
        final memory src0;
        final memory src1;
        final memory dst;
        final IntMemoryMap addArgs = new IntMemoryMap();

        Primitives(long length) {
            memory.desc data = new memory.desc(new long[] {length}, memory.data_type.f32, memory.format_tag.a);
            add = new binary(new binary.primitive_desc(new binary.desc(dnnl.algorithm.binary_add, data, data, data), CPU));
            src0 = unbound(data);
            src1 = unbound(data);
            dst = unbound(data);
            copy = new Dnnl.Reorder(data, data);
            addArgs.put(dnnl.DNNL_ARG_SRC_0, src0);
            addArgs.put(dnnl.DNNL_ARG_SRC_1, src1);
            addArgs.put(dnnl.DNNL_ARG_DST, dst);
        }

        @Override
        public void close() {
            addArgs.close();
            add.close();
            copy.close();
        }
    }
}

package dev.diversify.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.layers.IOutputLayer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Where a training step's time goes: the forward and backward time of every vertex of a network in training mode,
 * measured one vertex at a time on the activations of one real forward pass. Forward includes any preprocessor and
 * the layer's activation; backward the gradients of parameters and inputs (the updater is not run). Outside a
 * {@code fit} step no workspace is open, so every output is a fresh allocation: the times are comparable with one
 * another (shares), not a breakdown that sums to the step.
 */
public final class LayerTimes {
    private LayerTimes() {
    }

    /**
     * One vertex's times.
     *
     * @param vertex   its name
     * @param type     its layer's or vertex's class, e.g. {@code ConvolutionLayer}, {@code ElementWiseVertex}
     * @param forward  the forward pass in training mode, milliseconds
     * @param backward the backward pass, milliseconds
     */
    public record Row(String vertex, String type, Timing forward, Timing backward) {
    }

    /**
     * Forward and backward times of every non-input vertex of {@code network} on {@code batch}, in topological
     * order, each the median of {@code repetitions} after {@code warmup} unmeasured runs. Each backward runs right
     * after its own forward, so it finds what the forward cached.
     *
     * @throws IllegalArgumentException when the network has other than one input and one output
     */
    public static List<Row> measure(ComputationGraph network, DataSet batch, int warmup, int repetitions) {
        ComputationGraphConfiguration conf = network.getConfiguration();
        if (conf.getNetworkInputs().size() != 1 || conf.getNetworkOutputs().size() != 1) {
            throw new IllegalArgumentException("per-layer times need one input and one output");
        }
        if (network.getFlattenedGradients() == null) { // made by the first fit; backward writes into it
            network.initGradientsView();
        }
        Map<String, INDArray> activations = network.feedForward(batch.getFeatures(), true);
        LayerWorkspaceMgr workspaces = LayerWorkspaceMgr.noWorkspaces();
        List<Row> rows = new ArrayList<>();
        for (String name : conf.getTopologicalOrderStr()) {
            GraphVertex vertex = network.getVertex(name);
            if (vertex.isInputVertex()) {
                continue;
            }
            List<String> inputs = conf.getVertexInputs().get(name);
            boolean output = vertex.hasLayer() && vertex.getLayer() instanceof IOutputLayer;
            INDArray epsilon = output ? null : copyOf(activations.get(name)).assign(1e-3);
            double[] forward = new double[repetitions];
            double[] backward = new double[repetitions];
            for (int i = -warmup; i < repetitions; i++) {
                for (int k = 0; k < inputs.size(); k++) {
                    vertex.setInput(k, copyOf(activations.get(inputs.get(k))), workspaces);
                }
                if (output) {
                    ((IOutputLayer) vertex.getLayer()).setLabels(batch.getLabels());
                }
                long start = System.nanoTime();
                vertex.doForward(true, workspaces);
                long middle = System.nanoTime();
                if (!output) {
                    vertex.setEpsilon(epsilon);
                }
                vertex.doBackward(false, workspaces);
                long end = System.nanoTime();
                if (i >= 0) {
                    forward[i] = (middle - start) / 1e6;
                    backward[i] = (end - middle) / 1e6;
                }
            }
            String type = vertex.hasLayer() ? vertex.getLayer().conf().getLayer().getClass().getSimpleName()
                    : conf.getVertices().get(name).getClass().getSimpleName();
            rows.add(new Row(name, type, Timing.of(forward), Timing.of(backward)));
        }
        network.clearLayersStates();
        return rows;
    }

    /**
     * A copy with {@code a}'s strides, so that a channels-last activation stays channels-last (as between our
     * layers in a step); a C-order copy of a view into a larger buffer.
     */
    private static INDArray copyOf(INDArray a) {
        if (a.data().length() != a.length() || a.offset() != 0) {
            return a.dup('c');
        }
        return Nd4j.create(Nd4j.createBuffer(a.dataType(), a.length(), false), a.shape(), a.stride(), 0, a.ordering())
                .assign(a);
    }
}

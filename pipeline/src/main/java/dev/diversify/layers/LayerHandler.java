package dev.diversify.layers;

import java.util.Map;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Everything the product needs to know about one DL4J layer or vertex type. Implementations are
 * registered in {@link LayerHandlers}, keyed by exact class, and receive only vertices of their type.
 */
public interface LayerHandler {
    /** How the vertex maps its inputs' channels to its output's. */
    ChannelFlow flow();

    /**
     * The number of channels (features, classes) a {@link ChannelFlow#PRUNABLE} or
     * {@link ChannelFlow#FIXED} vertex creates: its {@code nOut}.
     *
     * @throws IllegalStateException for vertices that create no channels
     */
    default int outChannels(GraphVertex vertex) {
        throw new IllegalStateException(getClass().getSimpleName() + " creates no channels");
    }

    /**
     * Resizes {@code vertex} (part of a cloned configuration) to the kept channels, setting its
     * {@code nIn}/{@code nOut} (ALGORITHM.md, "What a removed output channel takes with it").
     *
     * @param name the vertex's name, for messages
     * @param kept the vertex's kept input and output positions
     * @return the parameter slices to copy from the original, or null (the default) for vertices without
     *     parameters
     * @throws IllegalArgumentException when the vertex's sizes do not match its input's channels
     */
    default Slices resize(String name, GraphVertex vertex, KeptChannels kept) {
        return null;
    }

    /**
     * Copies the kept slices of every parameter from the original layer's table into the resized one's
     * (same keys, shapes after {@link #resize}).
     *
     * @param from   the original layer's parameters, by key
     * @param to     the resized layer's parameters, by key; assigned in place
     * @param slices what {@link #resize} returned
     * @throws IllegalStateException (the default) for vertices without parameters
     */
    default void copy(Map<String, INDArray> from, Map<String, INDArray> to, Slices slices) {
        throw new IllegalStateException(getClass().getSimpleName() + " has no parameters");
    }

    /**
     * The layer's cost for one image, in the literature's conventions (ALGORITHM.md, "What every run
     * reports"), given its output activation type; null (the default) for vertices with neither
     * parameters nor MACs.
     *
     * @param output the vertex's output type for one image (a convolution's: its output map, H x W)
     */
    default LayerCost cost(String name, GraphVertex vertex, InputType output) {
        return null;
    }
}

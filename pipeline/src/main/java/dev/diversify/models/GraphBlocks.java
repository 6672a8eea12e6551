package dev.diversify.models;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * The building blocks shared by the architectures. Each method adds one named vertex and returns
 * its name, so blocks read as data flow: {@code x = relu("b1_relu", bn("b1_bn", conv(...)))}.
 * Convolutions have no bias (a batch norm follows each) and use "same" padding.
 */
final class GraphBlocks {
    private final GraphBuilder graph;

    GraphBlocks(GraphBuilder graph) {
        this.graph = graph;
    }

    String conv(String name, String input, int nOut, int kernel, int stride) {
        graph.addLayer(name, new ConvolutionLayer.Builder(kernel, kernel)
                .stride(stride, stride)
                .nOut(nOut)
                .hasBias(false)
                .activation(Activation.IDENTITY)
                .build(), input);
        return name;
    }

    String batchNorm(String name, String input) {
        graph.addLayer(name, new BatchNormalization.Builder().build(), input);
        return name;
    }

    String relu(String name, String input) {
        graph.addLayer(name, new ActivationLayer.Builder().activation(Activation.RELU).build(), input);
        return name;
    }

    String maxPool(String name, String input) {
        return pool(name, input, PoolingType.MAX);
    }

    String avgPool(String name, String input) {
        return pool(name, input, PoolingType.AVG);
    }

    private String pool(String name, String input, PoolingType type) {
        graph.addLayer(name, new SubsamplingLayer.Builder(type).kernelSize(2, 2).stride(2, 2).build(), input);
        return name;
    }

    String globalAvgPool(String name, String input) {
        graph.addLayer(name, new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), input);
        return name;
    }

    String add(String name, String... inputs) {
        graph.addVertex(name, new ElementWiseVertex(ElementWiseVertex.Op.Add), inputs);
        return name;
    }

    String concat(String name, String... inputs) {
        graph.addVertex(name, new MergeVertex(), inputs);
        return name;
    }

    String denseRelu(String name, String input, int nOut) {
        graph.addLayer(name, new DenseLayer.Builder().nOut(nOut).activation(Activation.RELU).build(), input);
        return name;
    }

    /** The softmax classifier, trained with cross-entropy; it is the graph's only output. */
    void classifier(String name, String input, int numClasses) {
        graph.addLayer(name, new OutputLayer.Builder(LossFunction.MCXENT)
                .nOut(numClasses)
                .activation(Activation.SOFTMAX)
                .build(), input);
        graph.setOutputs(name);
    }
}

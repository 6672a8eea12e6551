package dev.diversify.train;

import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/** Top-1 accuracy of a network on minibatches held in this JVM (used inside Spark tasks). */
public final class Accuracy {
    private Accuracy() {
    }

    public static double of(ComputationGraph network, List<DataSet> batches) {
        long correct = 0;
        long total = 0;
        for (DataSet batch : batches) {
            INDArray predicted = network.outputSingle(false, batch.getFeatures()).argMax(1);
            INDArray actual = batch.getLabels().argMax(1);
            correct += predicted.eq(actual).castTo(org.nd4j.linalg.api.buffer.DataType.INT).sumNumber().longValue();
            total += batch.numExamples();
        }
        return total == 0 ? Double.NaN : (double) correct / total;
    }
}

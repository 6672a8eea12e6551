package dev.diversify.train;

import dev.diversify.backend.OneDnn;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.TrainingHook;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * Gives each Spark worker's network our oneDNN layers ({@link OneDnn#useOwnHelpers}) before it trains: DL4J
 * Spark creates the workers' networks itself, with DL4J's own. Also sets the OpenMP threads of the worker's
 * thread ({@link OneDnn#useThreadsOnThisThread}).
 */
final class OneDnnHook implements TrainingHook {
    private final int threadsPerTask;

    /** @param threadsPerTask OpenMP threads for each worker's oneDNN calls; 0 leaves OpenMP's setting alone */
    OneDnnHook(int threadsPerTask) {
        this.threadsPerTask = threadsPerTask;
    }

    @Override
    public void preUpdate(DataSet minibatch, Model model) {
        install(model);
    }

    @Override
    public void preUpdate(MultiDataSet minibatch, Model model) {
        install(model);
    }

    @Override
    public void postUpdate(DataSet minibatch, Model model) {
    }

    @Override
    public void postUpdate(MultiDataSet minibatch, Model model) {
    }

    private void install(Model model) {
        OneDnn.useThreadsOnThisThread(threadsPerTask);
        if (model instanceof ComputationGraph graph) {
            OneDnn.useOwnHelpers(graph);
        }
    }
}

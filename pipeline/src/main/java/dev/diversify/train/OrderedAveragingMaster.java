package dev.diversify.train;

import java.util.Iterator;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingResult;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's parameter averaging, with the workers' parameters, updater states and scores summed in
 * partition order. DL4J sums them with Spark's {@code treeAggregate}, whose last level adds partial sums
 * on the driver in the order tasks finish: with more than two workers the float rounding, and with it
 * every later number of a run, changed from run to run. The results are cached, every worker trains in
 * one job, and the driver then reads them one partition at a time (memory: one result, not all).
 */
final class OrderedAveragingMaster extends ParameterAveragingTrainingMaster {

    OrderedAveragingMaster(Builder builder) {
        super(builder);
    }

    @Override
    protected void processResults(SparkDl4jMultiLayer network, SparkComputationGraph graph,
                                  JavaRDD<ParameterAveragingTrainingResult> results, int splitNum, int totalSplits) {
        if (network != null) {
            throw new UnsupportedOperationException("only ComputationGraph training is supported");
        }
        results.persist(StorageLevel.MEMORY_AND_DISK());
        try {
            results.count(); // every worker trains its share, in parallel
            INDArray parameters = null;
            INDArray updaterState = null;
            double score = 0;
            int workers = 0;
            for (Iterator<ParameterAveragingTrainingResult> ordered = results.toLocalIterator(); ordered.hasNext(); ) {
                ParameterAveragingTrainingResult result = ordered.next();
                if (result.getParameters() == null) {
                    continue; // a worker without data in this split
                }
                parameters = parameters == null ? result.getParameters().dup() : parameters.addi(result.getParameters());
                if (result.getUpdaterState() != null) {
                    updaterState = updaterState == null ? result.getUpdaterState().dup()
                            : updaterState.addi(result.getUpdaterState());
                }
                score += result.getScore();
                workers++;
            }
            if (parameters == null) {
                return; // no worker had data: nothing to average
            }
            ComputationGraph net = graph.getNetwork();
            net.setParams(parameters.divi(workers));
            if (updaterState != null) {
                net.getUpdater().setStateViewArray(updaterState.divi(workers));
            }
            graph.setScore(score / workers);
            ComputationGraphConfiguration conf = net.getConfiguration();
            conf.setIterationCount(conf.getIterationCount() + averagingFrequency);
        } finally {
            results.unpersist(false);
        }
    }
}

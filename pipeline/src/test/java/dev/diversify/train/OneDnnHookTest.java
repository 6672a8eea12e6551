package dev.diversify.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diversify.backend.OneDnn;
import dev.diversify.models.Architecture;
import dev.diversify.models.ModelSpec;
import dev.diversify.models.Models;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;

class OneDnnHookTest {
    /** DL4J Spark's workers build their networks with DL4J's helpers; the hook swaps ours in before training. */
    @Test
    void aWorkersNetworkGetsOurConvolutionAndBatchNormBeforeItTrains() {
        ComputationGraph worker = new ComputationGraph(Models.configuration(ModelSpec.cifar(Architecture.RESNET20, 10)));
        worker.init();
        assertTrue(OneDnn.layersWithoutHelper(worker).stream().anyMatch(l -> l.contains("BatchNormalization")),
                "as DL4J Spark's worker creates it");
        new OneDnnHook().preUpdate((org.nd4j.linalg.dataset.api.DataSet) null, worker);
        assertEquals(List.of(), OneDnn.layersWithoutHelper(worker));
    }
}

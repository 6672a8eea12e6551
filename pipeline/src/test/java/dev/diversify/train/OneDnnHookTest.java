package dev.diversify.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.diversify.backend.OneDnn;
import dev.diversify.models.Architecture;
import dev.diversify.models.ModelSpec;
import dev.diversify.models.Models;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

class OneDnnHookTest {
    /** DL4J Spark's workers build their networks with DL4J's helpers; the hook swaps ours in before training. */
    @Test
    void aWorkersNetworkGetsOurConvolutionAndBatchNormBeforeItTrains() {
        ComputationGraph worker = new ComputationGraph(Models.configuration(ModelSpec.cifar(Architecture.RESNET20, 10)));
        worker.init();
        assertTrue(OneDnn.layersWithoutHelper(worker).stream().anyMatch(l -> l.contains("BatchNormalization")),
                "as DL4J Spark's worker creates it");
        new OneDnnHook(0).preUpdate((org.nd4j.linalg.dataset.api.DataSet) null, worker);
        assertEquals(List.of(), OneDnn.layersWithoutHelper(worker));
    }

    /** The hook gives the worker's own thread the task's OpenMP threads, and leaves other threads as they were. */
    @Test
    void aWorkersThreadGetsTheTasksOpenMpThreads() throws Exception {
        ComputationGraph worker = new ComputationGraph(Models.configuration(ModelSpec.cifar(Architecture.RESNET20, 10)));
        worker.init();
        assumeTrue(System.getenv("OMP_NUM_THREADS") == null, "a user's OMP_NUM_THREADS is left alone");
        int before = NativeOpsHolder.getInstance().getDeviceNativeOps().ompGetMaxThreads();
        int wanted = before == 1 ? 2 : 1;
        int[] seen = new int[1];
        Throwable[] failed = new Throwable[1];
        Thread task = new Thread(() -> {
            try {
                new OneDnnHook(wanted).preUpdate((org.nd4j.linalg.dataset.api.DataSet) null, worker);
                seen[0] = NativeOpsHolder.getInstance().getDeviceNativeOps().ompGetMaxThreads();
            } catch (Throwable t) {
                failed[0] = t;
            }
        });
        task.start();
        task.join();
        if (failed[0] != null) {
            throw new AssertionError("in the worker's thread", failed[0]);
        }
        assertEquals(wanted, seen[0]);
        assertEquals(before, NativeOpsHolder.getInstance().getDeviceNativeOps().ompGetMaxThreads(),
                "this thread keeps its setting");
    }

    /**
     * ND4J's BLAS keeps a thread pool of its own beside OpenMP's; the hook leaves it one thread, for the process
     * (docs/PERFORMANCE.md, "OpenBLAS's own threads"); a hook told 0 threads leaves it alone.
     */
    @Test
    void aWorkerLeavesNd4jsBlasOneThread() {
        assumeTrue(System.getenv("OPENBLAS_NUM_THREADS") == null, "a user's OPENBLAS_NUM_THREADS is applied instead");
        var blas = Nd4j.factory().blas();
        int before = blas.getMaxThreads();
        ComputationGraph worker = new ComputationGraph(Models.configuration(ModelSpec.cifar(Architecture.RESNET20, 10)));
        worker.init();
        try {
            blas.setMaxThreads(2);
            new OneDnnHook(0).preUpdate((org.nd4j.linalg.dataset.api.DataSet) null, worker);
            assertEquals(2, blas.getMaxThreads(), "0 threads: left alone");
            new OneDnnHook(1).preUpdate((org.nd4j.linalg.dataset.api.DataSet) null, worker);
            assertEquals(1, blas.getMaxThreads());
        } finally {
            blas.setMaxThreads(before);
        }
    }

    /** An executor started without DL4J's helper property: DL4J gives its layers no helper, the hook ours all the same. */
    @Test
    void aWorkerWithoutDl4jsHelpersGetsOursToo() {
        String before = System.clearProperty(OneDnn.HELPERS_DISABLE_PROPERTY);
        try {
            ComputationGraph worker = new ComputationGraph(Models.configuration(ModelSpec.cifar(Architecture.RESNET20, 10)));
            worker.init();
            assertTrue(java.util.Arrays.stream(worker.getLayers())
                    .filter(l -> l instanceof org.deeplearning4j.nn.layers.convolution.ConvolutionLayer)
                    .allMatch(l -> l.getHelper() == null), "DL4J's default: no helpers");
            new OneDnnHook(0).preUpdate((org.nd4j.linalg.dataset.api.DataSet) null, worker);
            assertEquals(List.of(), OneDnn.layersWithoutHelper(worker));
        } finally {
            if (before != null) {
                System.setProperty(OneDnn.HELPERS_DISABLE_PROPERTY, before);
            }
        }
    }
}

import dev.diversify.backend.OneDnn;
import dev.diversify.bench.Throughput;
import dev.diversify.bench.Timing;
import dev.diversify.models.Architecture;
import dev.diversify.models.ModelSpec;
import dev.diversify.models.Models;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.DataSet;

/**
 * One network set up under two or more values of a system property that our layers read when a graph is set up
 * ({@code OneDnn.useOwnHelpers}: {@code diversify.pooling}, {@code diversify.relu}, ...), the copies timed side
 * by side in one JVM ({@code Timing.interleaved}: turns of three measured steps): an A/B comparison that the
 * machine's drift between two runs (10-25 % on the development VM, docs/PERFORMANCE.md) does not blur. For
 * switches read at every call, {@code AlternatingSteps.java} alternates one network instead.
 *
 * <pre>
 * mvn -q package -DskipTests
 * java $(cat jobs/target/jvm.flags) -cp jobs/target/diversify-jobs-0.1.0-SNAPSHOT-app.jar \
 *     bench/SideBySide.java VGG16 1 64 infer diversify.pooling ours,dl4j 45
 * </pre>
 *
 * Arguments: architecture, width, batch, {@code infer} or {@code train}, property, values (comma-separated),
 * measured steps per value. The copies start from the same parameters; each is warmed up for 20 s. Prints, per
 * value, the median milliseconds a step and images per second.
 */
public final class SideBySide {
    public static void main(String[] args) {
        OneDnn.enableHelpers();
        OneDnn.useThreadsOnThisThread(Runtime.getRuntime().availableProcessors());
        ModelSpec spec = ModelSpec.cifar(Architecture.valueOf(args[0]), 10).withWidth(Double.parseDouble(args[1]));
        DataSet batch = Throughput.batch(Integer.parseInt(args[2]), 3, 32, 10);
        boolean training = args[3].equals("train");
        String property = args[4];
        String[] values = args[5].split(",");
        ComputationGraph network = Models.build(spec);
        List<Runnable> steps = new ArrayList<>();
        for (String value : values) {
            System.setProperty(property, value);
            ComputationGraph copy = OneDnn.useOwnHelpers(network.clone());
            steps.add(training ? () -> copy.fit(batch) : () -> copy.outputSingle(false, batch.getFeatures()));
        }
        System.clearProperty(property);
        List<Timing> timings = Timing.interleaved(steps, new Timing.Warmup(2, 20), Integer.parseInt(args[6]), 3);
        for (int i = 0; i < values.length; i++) {
            Timing t = timings.get(i);
            System.out.printf("%s %s %s=%s: median %.2f ms a step (%.2f-%.2f), %.1f images/s%n", args[0], args[3],
                    property, values[i], t.medianMs(), t.minMs(), t.maxMs(),
                    batch.numExamples() / (t.medianMs() / 1000));
        }
    }
}

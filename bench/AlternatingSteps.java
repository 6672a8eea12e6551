import dev.diversify.backend.OneDnn;
import dev.diversify.bench.Throughput;
import dev.diversify.models.Architecture;
import dev.diversify.models.ModelSpec;
import dev.diversify.models.Models;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Training steps of one network under two or more values of a system property, alternating in one JVM: an A/B
 * comparison of a switch that our layers read at every call, which machine drift between two runs (10-25 % on
 * the development VM, docs/PERFORMANCE.md) does not blur, as both values see the same minutes.
 *
 * <p>Runs with the application jar on the class path (Java 11+ runs a single source file; nothing is compiled
 * into the project):
 *
 * <pre>
 * mvn -q package -DskipTests
 * java $(cat jobs/target/jvm.flags) -cp jobs/target/diversify-jobs-0.1.0-SNAPSHOT-app.jar \
 *     bench/AlternatingSteps.java RESNET20 1 64 diversify.sum ours,nd4j 40 5
 * </pre>
 *
 * Arguments: architecture, width, batch, property, values (comma-separated), blocks, steps per block. After 20 s
 * of warm-up steps, each block sets the property to one value, runs one untimed step and times the next ones;
 * the values take turns, in reverse order every other round (A B, B A, ...), so that none always follows the
 * same one. Prints, per value, the median, mean and fastest milliseconds a step over its blocks. The JVM runs
 * without the memory flags of {@code deploy/diversify}, so its milliseconds are not {@code bench}'s; the
 * comparison between values is what it is for.
 */
public final class AlternatingSteps {
    public static void main(String[] args) {
        OneDnn.enableHelpers();
        OneDnn.useThreadsOnThisThread(Runtime.getRuntime().availableProcessors());
        ModelSpec spec = ModelSpec.cifar(Architecture.valueOf(args[0]), 10).withWidth(Double.parseDouble(args[1]));
        DataSet batch = Throughput.batch(Integer.parseInt(args[2]), 3, 32, 10);
        String property = args[3];
        String[] values = args[4].split(",");
        int blocks = Integer.parseInt(args[5]);
        int steps = Integer.parseInt(args[6]);
        ComputationGraph network = Models.build(spec);
        for (long end = System.nanoTime() + 20_000_000_000L; System.nanoTime() < end; ) {
            network.fit(batch);
        }
        Map<String, List<Double>> msPerStep = new LinkedHashMap<>();
        for (int block = 0; block < blocks; block++) {
            int turn = block % values.length;
            String value = values[(block / values.length) % 2 == 0 ? turn : values.length - 1 - turn];
            System.setProperty(property, value);
            network.fit(batch);
            long start = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                network.fit(batch);
            }
            msPerStep.computeIfAbsent(value, v -> new ArrayList<>()).add((System.nanoTime() - start) / 1e6 / steps);
        }
        msPerStep.forEach((value, times) -> {
            List<Double> sorted = new ArrayList<>(times);
            Collections.sort(sorted);
            double median = (sorted.get((sorted.size() - 1) / 2) + sorted.get(sorted.size() / 2)) / 2;
            System.out.printf("%s %s=%s: median %.2f ms a step, mean %.2f, fastest %.2f (%d blocks of %d)%n",
                    args[0], property, value, median, sorted.stream().mapToDouble(Double::doubleValue).average()
                            .orElseThrow(), sorted.get(0), sorted.size(), steps);
        });
    }
}

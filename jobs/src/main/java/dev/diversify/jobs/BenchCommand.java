package dev.diversify.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.diversify.bench.SimilarityBenchmark;
import dev.diversify.models.Architecture;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code diversify bench}: speed measurements, never part of the test run. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measures, after warm-up, the median and spread of several repetitions.",
            "similarity: the diversifying rule (cosine matrix + selection) on each distinct layer shape of",
            "each model at width 1, next to the bare float64 matrix product that bounds it."})
final class BenchCommand implements Callable<Integer> {
    enum What { similarity }

    @Spec
    private CommandSpec spec;

    @Option(names = "--what", defaultValue = "similarity", description = "similarity (default: ${DEFAULT-VALUE}).")
    private What what;

    @Option(names = "--model", paramLabel = "NAME", defaultValue = "all", description = "A model or all (default: ${DEFAULT-VALUE}).")
    private String model;

    @Option(names = "--tau", defaultValue = "0.3", description = "Threshold used in the rule (default: ${DEFAULT-VALUE}).")
    private double tau;

    @Option(names = "--repetitions", defaultValue = "7", description = "Measured runs (default: ${DEFAULT-VALUE}).")
    private int repetitions;

    @Option(names = "--json", description = "Print the results as JSON.")
    private boolean json;

    @Override
    public Integer call() throws Exception {
        List<Architecture> architectures = "all".equalsIgnoreCase(model)
                ? List.of(Architecture.values()) : List.of(Architecture.fromId(model));
        PrintWriter out = spec.commandLine().getOut();
        if (!json) {
            out.printf("hardware: %d cores visible to the JVM, %s; ND4J threads: OMP_NUM_THREADS=%s%n",
                    Runtime.getRuntime().availableProcessors(), System.getProperty("os.arch"),
                    System.getenv().getOrDefault("OMP_NUM_THREADS", "(unset)"));
            out.printf("%-18s %-30s %6s %7s %12s %12s %12s %7s%n", "model", "group", "N", "D",
                    "rule ms", "(min-max)", "matmul ms", "ratio");
        }
        List<SimilarityBenchmark.Row> all = new ArrayList<>();
        for (Architecture architecture : architectures) {
            for (SimilarityBenchmark.Row row : SimilarityBenchmark.run(architecture, tau, 2, repetitions)) {
                all.add(row);
                if (!json) {
                    out.printf("%-18s %-30s %6d %7d %12.2f %5.1f-%-6.1f %12.2f %7.1f%n", row.model(), row.group(),
                            row.filters(), row.weightsPerFilter(), row.rule().medianMs(), row.rule().minMs(),
                            row.rule().maxMs(), row.product().medianMs(),
                            row.rule().medianMs() / Math.max(1e-9, row.product().medianMs()));
                    out.flush();
                }
            }
        }
        if (json) {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(all));
        }
        out.flush();
        return 0;
    }
}

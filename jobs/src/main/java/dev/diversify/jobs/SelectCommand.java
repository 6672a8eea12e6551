package dev.diversify.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.diversify.prune.Budget;
import dev.diversify.prune.Criteria;
import dev.diversify.prune.Criterion;
import dev.diversify.prune.DiversifyingRule;
import dev.diversify.prune.FilterBank;
import dev.diversify.prune.NpyFile;
import dev.diversify.prune.Removal;
import dev.diversify.prune.Selection;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code diversify select}: which filters of one layer stay, from weights exported by any framework. */
@Command(name = "select", mixinStandardHelpOptions = true,
        header = "Prints which filters of one layer stay, given its weights as a NumPy file.",
        description = "Reads the layer's weights (float32 or float64, shape [N, C, kH, kW] or [N, D], from any "
                + "framework) and prints the kept filter indices as one comma-separated line, or with --json "
                + "the removals and the edge that removed each.")
final class SelectCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--weights", paramLabel = "W.npy", required = true, description = "The layer's weights.")
    private Path weights;

    @Option(names = "--criterion", paramLabel = "C", defaultValue = "diversify",
            description = "The criterion: diversify, l1 or random (default: ${DEFAULT-VALUE}).")
    private Criteria criterion;

    @Option(names = "--tau", paramLabel = "T",
            description = "For diversify, remove filters while two kept ones are within this cosine distance, in [0, 2].")
    private Double tau;

    @Option(names = "--min-keep", paramLabel = "K",
            description = "For diversify with --tau, keep at least K filters (default: max(1, ceil(0.1 N))).")
    private Integer minKeep;

    @Option(names = "--keep", paramLabel = "N",
            description = "Keep exactly N filters: the only budget of l1 and random; for diversify, its first removals.")
    private Integer keep;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "For random, the seed (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--json", description = "Print the kept indices and the removals (partner, distance) as JSON.")
    private boolean json;

    @Override
    public Integer call() throws Exception {
        if (tau != null && keep != null) {
            throw new IllegalArgumentException("give either --tau or --keep, not both");
        }
        if (tau == null && keep == null) {
            throw new IllegalArgumentException(criterion == Criteria.DIVERSIFY
                    ? "--tau is required with --criterion diversify (or --keep N)"
                    : "--keep is required with --criterion " + criterion.id());
        }
        if (minKeep != null && (criterion != Criteria.DIVERSIFY || tau == null)) {
            throw new IllegalArgumentException("--min-keep applies only to --criterion diversify with --tau");
        }
        FilterBank filters;
        try {
            filters = FilterBank.of(NpyFile.read(weights));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(weights + ": " + e.getMessage(), e);
        }
        Criterion chosen = minKeep != null ? new DiversifyingRule(minKeep) : criterion.create(seed);
        Selection selection = chosen.select(filters, tau != null ? new Budget.Threshold(tau) : new Budget.Keep(keep));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report(selection)));
        } else {
            out.println(Arrays.stream(selection.kept()).mapToObj(Integer::toString).collect(Collectors.joining(",")));
        }
        out.flush();
        return 0;
    }

    private Map<String, Object> report(Selection selection) {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("criterion", criterion.id());
        report.put("filters", selection.total());
        if (tau != null) {
            report.put("tau", tau);
        }
        report.put("kept", selection.kept());
        List<Map<String, Object>> removed = new ArrayList<>();
        for (Removal r : selection.removals()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("index", r.index());
            if (r.partner() != Removal.NO_PARTNER) {
                row.put("partner", r.partner());
                row.put("distance", r.distance());
            } else if (criterion == Criteria.DIVERSIFY) {
                row.put("dead", true);
            }
            removed.add(row);
        }
        report.put("removed", removed);
        return report;
    }
}

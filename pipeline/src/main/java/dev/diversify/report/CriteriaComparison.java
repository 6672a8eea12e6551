package dev.diversify.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The criteria of a run compared over its experiments, as the thesis tabulates them and as paired differences. Pure:
 * it reads retrained networks' results, nothing else.
 */
public final class CriteriaComparison {
    /**
     * "No loss": top-1 accuracy at most 0.3 points below the baseline, a fraction; the tolerance the study in
     * docs/RESULTS.md is judged by (the thesis reports its compressions "with no accuracy loss").
     */
    public static final double NO_LOSS = 0.003;
    /** The thesis's second column: at most one point below the baseline, a fraction. */
    public static final double ONE_POINT = 0.01;

    private CriteriaComparison() {
    }

    /**
     * One retrained network.
     *
     * @param experiment the experiment that made it
     * @param model      the model's name (an architecture id, or the name given to a loaded model)
     * @param dataset    the dataset's name
     * @param method     the criterion that chose its filters, by label
     * @param baseline   its experiment's baseline top-1 accuracy, a fraction
     * @param accuracy   its top-1 accuracy, a fraction
     * @param paramsPct  trainable parameters removed, percent of the baseline's
     * @param flopsPct   FLOPs removed, percent of the baseline's
     */
    public record Arm(String experiment, String model, String dataset, String method, double baseline, double accuracy,
                      double paramsPct, double flopsPct) {
    }

    /**
     * For one model, dataset and method, the arm that removes the most parameters while its accuracy stays within
     * {@code tolerance} (a fraction) of its baseline, if any.
     */
    public record Best(String model, String dataset, String method, double tolerance, Optional<Arm> arm) {
    }

    /**
     * The thesis's table: per model, dataset and method (in the order first seen), the most parameters removed at
     * no loss ({@link #NO_LOSS}) and within one point ({@link #ONE_POINT}); of arms that remove as many, the more
     * accurate.
     */
    public static List<Best> mostRemoved(List<Arm> arms) {
        Map<List<String>, List<Arm>> byModelAndMethod = new LinkedHashMap<>();
        arms.forEach(a -> byModelAndMethod.computeIfAbsent(List.of(a.model(), a.dataset(), a.method()),
                k -> new ArrayList<>()).add(a));
        List<Best> table = new ArrayList<>();
        byModelAndMethod.values().forEach(group -> {
            for (double tolerance : new double[] {NO_LOSS, ONE_POINT}) {
                table.add(new Best(group.get(0).model(), group.get(0).dataset(), group.get(0).method(), tolerance,
                        group.stream().filter(a -> a.accuracy() >= a.baseline() - tolerance - 1e-12)
                                .max(Comparator.comparingDouble(Arm::paramsPct).thenComparingDouble(Arm::accuracy))));
            }
        });
        return table;
    }

    /**
     * One criterion against another over the experiments where both were retrained with finite accuracies.
     * Descriptive: experiments that share a baseline are not independent samples.
     *
     * @param method      the criterion compared, by label
     * @param other       the criterion it is compared with, by label
     * @param differences per experiment (in the order first seen), {@code method}'s accuracy minus {@code other}'s,
     *                    in points
     * @param mean        their mean, in points (NaN without experiments)
     * @param sd          their sample standard deviation, in points (NaN with fewer than two)
     * @param wins        experiments where {@code method} is more accurate
     * @param losses      experiments where it is less accurate
     */
    public record Paired(String method, String other, Map<String, Double> differences, double mean, double sd,
                         int wins, int losses) {
        /** Experiments where both are equally accurate. */
        public int ties() {
            return differences.size() - wins - losses;
        }
    }

    /**
     * {@code method} paired with {@code other} over every experiment that retrained both; an experiment where
     * either accuracy is not finite is left out.
     *
     * @param method the criterion compared, by label
     * @param other  the criterion it is compared with, by label
     */
    public static Paired paired(List<Arm> arms, String method, String other) {
        Map<String, Double> differences = new LinkedHashMap<>();
        for (Arm a : arms) {
            if (a.method().equals(method)) {
                arms.stream().filter(b -> b.method().equals(other) && b.experiment().equals(a.experiment())).findFirst()
                        .filter(b -> Double.isFinite(a.accuracy()) && Double.isFinite(b.accuracy()))
                        .ifPresent(b -> differences.put(a.experiment(), 100 * (a.accuracy() - b.accuracy())));
            }
        }
        double[] d = differences.values().stream().mapToDouble(Double::doubleValue).toArray();
        double mean = d.length == 0 ? Double.NaN : java.util.Arrays.stream(d).average().orElseThrow();
        double sd = d.length < 2 ? Double.NaN
                : Math.sqrt(java.util.Arrays.stream(d).map(x -> (x - mean) * (x - mean)).sum() / (d.length - 1));
        int wins = (int) java.util.Arrays.stream(d).filter(x -> x > 0).count();
        int losses = (int) java.util.Arrays.stream(d).filter(x -> x < 0).count();
        return new Paired(method, other, differences, mean, sd, wins, losses);
    }
}

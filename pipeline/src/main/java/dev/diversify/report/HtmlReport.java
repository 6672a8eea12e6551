package dev.diversify.report;

import dev.diversify.results.RunLayout;
import dev.diversify.io.HadoopFiles;
import dev.diversify.prune.Criteria;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * One self-contained HTML page (plots embedded as PNG data, no network access) built from a run's Parquet
 * tables: the results table; per model and dataset with several experiments, every retrained network's accuracy against the
 * parameters and the FLOPs removed; per experiment, accuracy against parameters and against FLOPs (each method's
 * path from the baseline through every round to its retrained network, and its pruned networks before
 * retraining: a Pareto view), the diversifying rule's channels per layer in the baseline and the final
 * network, the sweep per group and round, the training curves of the baseline and of every retraining,
 * and the memory after each training epoch.
 */
public final class HtmlReport {
    private static final int MAX_LEGEND = 14;

    private final SparkSession spark;
    private final RunLayout run;
    private final BiConsumer<String, byte[]> plots;

    private HtmlReport(SparkSession spark, RunLayout run, BiConsumer<String, byte[]> plots) {
        this.spark = spark;
        this.run = run;
        this.plots = plots;
    }

    /**
     * The page of the run laid out as {@code run}, read with {@code spark} from its Parquet tables (the training
     * table is optional: runs of older versions lack it).
     *
     * @throws org.apache.spark.sql.AnalysisException (unchecked in Spark 3) when a required table is missing
     */
    public static String render(SparkSession spark, RunLayout run) {
        return render(spark, run, (title, png) -> { });
    }

    /**
     * As {@link #render(SparkSession, RunLayout)}, handing every plot to {@code plots} as well: its title and the
     * PNG image embedded in the page.
     */
    public static String render(SparkSession spark, RunLayout run, BiConsumer<String, byte[]> plots) {
        return new HtmlReport(spark, run, plots).page();
    }

    private String page() {
        List<Row> metrics = RunRows.metrics(spark, run.metrics());
        List<Row> layers = RunRows.read(spark, run.layers(), "experiment", "method", "round");
        List<Row> sweep = RunRows.read(spark, run.sweep(), "experiment", "round", "group", "tau");
        List<Row> training = HadoopFiles.exists(run.training())
                ? RunRows.read(spark, run.training(), "experiment", "stage", "epoch") : List.of();
        StringBuilder html = new StringBuilder();
        String runId = metrics.isEmpty() ? "" : metrics.get(0).getAs("run_id");
        html.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>diversify run ").append(escape(runId))
                .append("</title><style>body{font-family:sans-serif;max-width:1500px;margin:2em auto;color:#222}"
                        + "table{border-collapse:collapse;font-size:14px}td,th{border:1px solid #ccc;padding:4px 8px;"
                        + "text-align:right}th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}"
                        + ".plots{display:flex;flex-wrap:wrap;gap:12px}"
                        + "</style></head><body>");
        html.append("<h1>diversify run ").append(escape(runId)).append("</h1>");
        html.append("<p>Top-1 accuracy on the test split. Params: trainable parameters; FLOPs = 2 x MACs of "
                + "convolutions and dense layers. L1 and random keep the diversifying rule's channels per layer "
                + "and are retrained identically. Code revision ")
                .append(metrics.isEmpty() ? "" : escape(metrics.get(0).getAs("code_revision"))).append(".</p>");
        html.append(resultsTable(metrics));
        Map<String, List<Row>> byModel = new LinkedHashMap<>();
        metrics.forEach(r -> byModel.computeIfAbsent(r.getAs("model") + " on " + r.getAs("dataset"),
                k -> new ArrayList<>()).add(r));
        byModel.forEach((model, rows) -> {
            if (rows.stream().map(r -> r.<String>getAs("experiment")).distinct().count() > 1) {
                html.append("<h2>").append(escape(model)).append(": every experiment</h2><div class=\"plots\">")
                        .append(chart(acrossExperiments(model, rows, "params_reduction_pct", "parameters removed (%)")))
                        .append(chart(acrossExperiments(model, rows, "flops_reduction_pct", "FLOPs removed (%)")))
                        .append("</div>");
            }
        });
        for (String experiment : metrics.stream().map(r -> r.<String>getAs("experiment")).distinct().toList()) {
            html.append("<h2 id=\"").append(escape(experiment)).append("\">").append(escape(experiment)).append("</h2>");
            html.append("<div class=\"plots\">");
            List<Row> m = only(metrics, experiment);
            html.append(chart(accuracyAgainst(experiment, m, "params", "parameters", 1)));
            html.append(chart(accuracyAgainst(experiment, m, "flops", "MFLOPs (2 x MACs)", 1e6)));
            html.append(chart(channels(experiment, only(layers, experiment))));
            List<Row> sweepOf = only(sweep, experiment);
            for (int round : sweepOf.stream().map(RunRows::round).distinct().toList()) {
                html.append(chart(sweepCurves(experiment, round,
                        sweepOf.stream().filter(r -> RunRows.round(r) == round).toList())));
            }
            List<Row> t = only(training, experiment);
            if (!t.isEmpty()) {
                html.append(chart(trainingCurves(experiment, t, "loss", "training loss")));
                html.append(chart(trainingCurves(experiment, t, "validation_accuracy", "validation accuracy")));
                if (java.util.Arrays.asList(t.get(0).schema().fieldNames()).contains("resident_mib")) { // older runs: none
                    html.append(chart(memory(experiment, t)));
                }
            }
            html.append("</div>");
        }
        return html.append("</body></html>").toString();
    }

    private String chart(Chart<?, ?> chart) {
        byte[] png = Charts.png(chart);
        plots.accept(chart.getTitle(), png);
        return Charts.embedded(png, chart.getTitle());
    }

    private static List<Row> only(List<Row> rows, String experiment) {
        return rows.stream().filter(r -> experiment.equals(r.getAs("experiment"))).toList();
    }

    private static String resultsTable(List<Row> metrics) {
        StringBuilder t = new StringBuilder("<table><tr><th>experiment</th><th>model</th><th>dataset</th>"
                + "<th>method</th><th>round</th><th>state</th><th>accuracy</th><th>params</th><th>params -%</th><th>FLOPs</th>"
                + "<th>FLOPs -%</th><th>MACs</th></tr>");
        for (Row r : metrics) {
            t.append(String.format(Locale.ROOT, "<tr><td><a href=\"#%s\">%s</a></td><td>%s</td><td>%s</td><td>%s</td>"
                            + "<td>%d</td><td>%s</td><td>%.4f</td><td>%,d</td><td>%.1f</td><td>%,d</td><td>%.1f</td><td>%,d</td></tr>",
                    escape(r.getAs("experiment")), escape(r.getAs("experiment")), escape(r.getAs("model")),
                    escape(r.getAs("dataset")), r.getAs("method"), RunRows.round(r), r.getAs("state"),
                    r.<Double>getAs("accuracy"),
                    r.<Long>getAs("params"), r.<Double>getAs("params_reduction_pct"), r.<Long>getAs("flops"),
                    r.<Double>getAs("flops_reduction_pct"), r.<Long>getAs("macs")));
        }
        return t.append("</table>").toString();
    }

    /**
     * A Pareto view: per method, a line from the baseline through its network after each round's training to
     * the retrained one (rows in round order), and its pruned networks before training as separate points.
     */
    private static XYChart accuracyAgainst(String experiment, List<Row> metrics, String column, String label,
                                           double unit) {
        XYChart chart = new XYChartBuilder().width(Charts.WIDTH).height(Charts.HEIGHT)
                .title(experiment + ": accuracy vs " + label).xAxisTitle(label).yAxisTitle("test accuracy").build();
        chart.getStyler().setXAxisDecimalPattern("#,##0.#");
        chart.getStyler().setMarkerSize(8);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        Row baseline = metrics.stream().filter(r -> "baseline".equals(r.getAs("method"))).findFirst().orElse(null);
        Map<String, List<Row>> trained = new LinkedHashMap<>();
        Map<String, List<Row>> pruned = new LinkedHashMap<>();
        for (Row r : metrics) {
            String method = r.getAs("method");
            if (r.getAs("state").equals("pruned")) {
                pruned.computeIfAbsent(method, k -> new ArrayList<>()).add(r);
            } else if (!method.equals("baseline")) {
                trained.computeIfAbsent(method, k -> new ArrayList<>(baseline == null ? List.of() : List.of(baseline)))
                        .add(r);
            }
        }
        trained.forEach((method, rows) -> series(chart, method, rows, column, unit)
                .setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line));
        pruned.forEach((method, rows) -> series(chart, method + " (pruned, before training)", rows, column, unit)
                .setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter));
        return chart;
    }

    /**
     * Every retrained network of {@code model}'s experiments (a model on a dataset), one series per method, and the
     * baselines at 0: where
     * one method's points lie above another's at the same reduction, it kept more accuracy.
     */
    private static XYChart acrossExperiments(String model, List<Row> metrics, String column, String label) {
        XYChart chart = new XYChartBuilder().width(Charts.WIDTH).height(Charts.HEIGHT)
                .title(model + ": retrained vs " + label).xAxisTitle(label)
                .yAxisTitle("test accuracy").build();
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setMarkerSize(8);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSW);
        Map<String, List<Row>> byMethod = new LinkedHashMap<>();
        metrics.stream().filter(r -> "baseline".equals(r.getAs("state")) || "retrained".equals(r.getAs("state")))
                .forEach(r -> byMethod.computeIfAbsent(r.getAs("method"), k -> new ArrayList<>()).add(r));
        byMethod.forEach((method, rows) -> series(chart, method, rows, column, 1));
        return chart;
    }

    private static XYSeries series(XYChart chart, String name, List<Row> rows, String column, double unit) {
        return chart.addSeries(name, rows.stream().mapToDouble(r -> ((Number) r.getAs(column)).doubleValue() / unit)
                .toArray(), rows.stream().mapToDouble(r -> r.<Double>getAs("accuracy")).toArray());
    }

    /** The diversifying rule's channels per convolution: in the baseline, and after its last round. */
    private static CategoryChart channels(String experiment, List<Row> layers) {
        CategoryChart chart = new CategoryChartBuilder().width(Charts.WIDTH).height(Charts.HEIGHT)
                .title(experiment + ": channels per layer (diversify)").xAxisTitle("convolution").yAxisTitle("channels")
                .build();
        chart.getStyler().setOverlapped(true);
        chart.getStyler().setXAxisLabelRotation(90);
        chart.getStyler().setAxisTickLabelsFont(chart.getStyler().getAxisTickLabelsFont().deriveFont(8f));
        List<Row> rows = layers.stream().filter(r -> Criteria.DIVERSIFY.id().equals(r.getAs("method"))).toList();
        int first = rows.stream().mapToInt(RunRows::round).min().orElse(1);
        int last = rows.stream().mapToInt(RunRows::round).max().orElse(1);
        List<Row> before = rows.stream().filter(r -> RunRows.round(r) == first).toList();
        Map<String, Integer> after = new java.util.HashMap<>();
        rows.stream().filter(r -> RunRows.round(r) == last)
                .forEach(r -> after.put(r.getAs("layer"), r.<Integer>getAs("channels_after")));
        List<String> names = before.stream().map(r -> r.<String>getAs("layer")).toList();
        chart.addSeries("baseline", names, before.stream().map(r -> (Number) r.<Integer>getAs("channels_before")).toList());
        chart.addSeries("final", names, names.stream().map(name -> (Number) after.get(name)).toList());
        return chart;
    }

    /** Round {@code round}'s sweep: validation accuracy per group against the share of its channels removed. */
    private static XYChart sweepCurves(String experiment, int round, List<Row> sweep) {
        boolean byFraction = !sweep.isEmpty() && java.util.Arrays.asList(sweep.get(0).schema().fieldNames())
                .contains("fraction"); // older runs: by tau
        XYChart chart = new XYChartBuilder().width(Charts.WIDTH).height(Charts.HEIGHT)
                .title(experiment + ": sweep of round " + round + ", each group pruned alone")
                .xAxisTitle(byFraction ? "fraction of the group's channels removed" : "tau")
                .yAxisTitle("validation accuracy").build();
        Map<String, List<Row>> byGroup = new LinkedHashMap<>();
        sweep.forEach(r -> byGroup.computeIfAbsent(r.getAs("group"), k -> new ArrayList<>()).add(r));
        chart.getStyler().setLegendVisible(byGroup.size() <= MAX_LEGEND);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        byGroup.forEach((group, rows) -> chart.addSeries(group,
                rows.stream().mapToDouble(r -> r.<Double>getAs(byFraction ? "fraction" : "tau")).toArray(),
                rows.stream().mapToDouble(r -> r.<Double>getAs("validation_accuracy")).toArray())
                .setMarker(SeriesMarkers.CIRCLE));
        return chart;
    }

    private static XYChart trainingCurves(String experiment, List<Row> training, String column, String label) {
        XYChart chart = new XYChartBuilder().width(Charts.WIDTH).height(Charts.HEIGHT)
                .title(experiment + ": " + label + " per epoch").xAxisTitle("epoch").yAxisTitle(label).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        Map<String, List<Row>> byStage = new LinkedHashMap<>();
        training.forEach(r -> byStage.computeIfAbsent(r.getAs("stage"), k -> new ArrayList<>()).add(r));
        byStage.forEach((stage, rows) -> chart.addSeries(stage,
                rows.stream().mapToDouble(r -> r.<Integer>getAs("epoch")).toArray(),
                rows.stream().mapToDouble(r -> r.<Double>getAs(column)).toArray()));
        return chart;
    }

    /**
     * Heap, off-heap and resident memory of the training JVM at the end of every training epoch, the
     * stages one after another: a line that keeps rising is a leak that will end a long study.
     */
    private static XYChart memory(String experiment, List<Row> training) {
        XYChart chart = new XYChartBuilder().width(Charts.WIDTH).height(Charts.HEIGHT)
                .title(experiment + ": memory after each epoch").xAxisTitle("training epoch (stages by name, epochs in order)")
                .yAxisTitle("MiB").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        double[] x = java.util.stream.IntStream.rangeClosed(1, training.size()).asDoubleStream().toArray();
        for (String[] series : new String[][] {{"resident", "resident_mib"}, {"heap in use", "heap_mib"},
                {"resident outside the heap", "off_heap_mib"}}) {
            chart.addSeries(series[0], x, training.stream().mapToDouble(r -> r.<Double>getAs(series[1])).toArray())
                    .setMarker(SeriesMarkers.CIRCLE);
        }
        return chart;
    }

    private static String escape(Object text) {
        return String.valueOf(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}

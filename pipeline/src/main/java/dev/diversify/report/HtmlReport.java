package dev.diversify.report;

import dev.diversify.results.RunLayout;
import dev.diversify.io.HadoopFiles;
import dev.diversify.prune.Criteria;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * One self-contained HTML page (plots embedded as PNG data, no network access) built from a run's Parquet
 * tables: the results table; per experiment, accuracy against parameters and against FLOPs with one
 * point per method, channels per layer before and after, the threshold sweep per group, and the
 * training curves of the baseline and of every retraining, and the memory after each training epoch.
 */
public final class HtmlReport {
    private static final int MAX_LEGEND = 14;

    private final SparkSession spark;
    private final RunLayout run;

    private HtmlReport(SparkSession spark, RunLayout run) {
        this.spark = spark;
        this.run = run;
    }

    /**
     * The page of the run laid out as {@code run}, read with {@code spark} from its Parquet tables (the training
     * table is optional: runs of older versions lack it).
     *
     * @throws org.apache.spark.sql.AnalysisException (unchecked in Spark 3) when a required table is missing
     */
    public static String render(SparkSession spark, RunLayout run) {
        return new HtmlReport(spark, run).page();
    }

    private List<Row> table(String path, String order) {
        Dataset<Row> rows = spark.read().parquet(path);
        String[] columns = order.split(",");
        return rows.orderBy(columns[0], java.util.Arrays.copyOfRange(columns, 1, columns.length)).collectAsList();
    }

    private String page() {
        List<Row> metrics = table(run.metrics(), "experiment,method,state");
        List<Row> layers = table(run.layers(), "experiment,method");
        List<Row> sweep = table(run.sweep(), "experiment,group,tau");
        List<Row> training = HadoopFiles.exists(run.training()) ? table(run.training(), "experiment,stage,epoch") : List.of();
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
        for (String experiment : metrics.stream().map(r -> r.<String>getAs("experiment")).distinct().toList()) {
            html.append("<h2 id=\"").append(escape(experiment)).append("\">").append(escape(experiment)).append("</h2>");
            html.append("<div class=\"plots\">");
            List<Row> m = only(metrics, experiment);
            html.append(chart(accuracyAgainst(experiment, m, "params", "parameters", 1)));
            html.append(chart(accuracyAgainst(experiment, m, "flops", "MFLOPs (2 x MACs)", 1e6)));
            html.append(chart(channels(experiment, only(layers, experiment))));
            html.append(chart(sweepCurves(experiment, only(sweep, experiment))));
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

    private static String chart(XYChart chart) {
        return Charts.embedded(chart, chart.getTitle());
    }

    private static String chart(CategoryChart chart) {
        return Charts.embedded(chart, chart.getTitle());
    }

    private static List<Row> only(List<Row> rows, String experiment) {
        return rows.stream().filter(r -> experiment.equals(r.getAs("experiment"))).toList();
    }

    private static String resultsTable(List<Row> metrics) {
        StringBuilder t = new StringBuilder("<table><tr><th>experiment</th><th>model</th><th>dataset</th>"
                + "<th>method</th><th>state</th><th>accuracy</th><th>params</th><th>params -%</th><th>FLOPs</th>"
                + "<th>FLOPs -%</th><th>MACs</th></tr>");
        for (Row r : metrics) {
            t.append(String.format(Locale.ROOT, "<tr><td><a href=\"#%s\">%s</a></td><td>%s</td><td>%s</td><td>%s</td>"
                            + "<td>%s</td><td>%.4f</td><td>%,d</td><td>%.1f</td><td>%,d</td><td>%.1f</td><td>%,d</td></tr>",
                    escape(r.getAs("experiment")), escape(r.getAs("experiment")), escape(r.getAs("model")),
                    escape(r.getAs("dataset")), r.getAs("method"), r.getAs("state"), r.<Double>getAs("accuracy"),
                    r.<Long>getAs("params"), r.<Double>getAs("params_reduction_pct"), r.<Long>getAs("flops"),
                    r.<Double>getAs("flops_reduction_pct"), r.<Long>getAs("macs")));
        }
        return t.append("</table>").toString();
    }

    /** One point per method and state (baseline, pruned, retrained). */
    private static XYChart accuracyAgainst(String experiment, List<Row> metrics, String column, String label,
                                           double unit) {
        XYChart chart = new XYChartBuilder().width(Charts.WIDTH).height(Charts.HEIGHT)
                .title(experiment + ": accuracy vs " + label).xAxisTitle(label).yAxisTitle("test accuracy").build();
        chart.getStyler().setXAxisDecimalPattern("#,##0.#");
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setMarkerSize(10);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        Map<String, List<Row>> bySeries = new LinkedHashMap<>();
        for (Row r : metrics) {
            String series = r.<String>getAs("method").equals("baseline") ? "baseline"
                    : r.getAs("method") + " (" + r.getAs("state") + ")";
            bySeries.computeIfAbsent(series, k -> new ArrayList<>()).add(r);
        }
        bySeries.forEach((name, rows) -> chart.addSeries(name,
                rows.stream().mapToDouble(r -> ((Number) r.getAs(column)).doubleValue() / unit).toArray(),
                rows.stream().mapToDouble(r -> r.<Double>getAs("accuracy")).toArray()));
        return chart;
    }

    private static CategoryChart channels(String experiment, List<Row> layers) {
        CategoryChart chart = new CategoryChartBuilder().width(Charts.WIDTH).height(Charts.HEIGHT)
                .title(experiment + ": channels per layer (diversify)").xAxisTitle("convolution").yAxisTitle("channels")
                .build();
        chart.getStyler().setOverlapped(true);
        chart.getStyler().setXAxisLabelRotation(90);
        chart.getStyler().setAxisTickLabelsFont(chart.getStyler().getAxisTickLabelsFont().deriveFont(8f));
        List<Row> rows = layers.stream().filter(r -> Criteria.DIVERSIFY.id().equals(r.getAs("method"))).toList();
        List<String> names = rows.stream().map(r -> r.<String>getAs("layer")).toList();
        chart.addSeries("before", names, rows.stream().map(r -> (Number) r.<Integer>getAs("channels_before")).toList());
        chart.addSeries("after", names, rows.stream().map(r -> (Number) r.<Integer>getAs("channels_after")).toList());
        return chart;
    }

    private static XYChart sweepCurves(String experiment, List<Row> sweep) {
        XYChart chart = new XYChartBuilder().width(Charts.WIDTH).height(Charts.HEIGHT)
                .title(experiment + ": sweep, each group pruned alone").xAxisTitle("tau")
                .yAxisTitle("validation accuracy").build();
        Map<String, List<Row>> byGroup = new LinkedHashMap<>();
        sweep.forEach(r -> byGroup.computeIfAbsent(r.getAs("group"), k -> new ArrayList<>()).add(r));
        chart.getStyler().setLegendVisible(byGroup.size() <= MAX_LEGEND);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        byGroup.forEach((group, rows) -> chart.addSeries(group,
                rows.stream().mapToDouble(r -> r.<Double>getAs("tau")).toArray(),
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

package dev.diversify.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.diversify.data.DataFormat;
import dev.diversify.data.SyntheticData;
import dev.diversify.metrics.CostCounter;
import dev.diversify.models.Architecture;
import dev.diversify.models.ModelFiles;
import dev.diversify.models.ModelSpec;
import dev.diversify.models.Models;
import dev.diversify.onnx.OnnxExport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/** The run command end to end on local[*] with tiny generated data and width-scaled models. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PipelineRunTest {
    @TempDir
    static Path dir;
    static Path conf;

    @BeforeAll
    static void writeDataAndConfig() throws IOException {
        String data = dir.resolve("cifar10").toString();
        SyntheticData.write(DataFormat.CIFAR10, data, 500, 100, 7, false);
        conf = dir.resolve("tiny.conf");
        Files.writeString(conf, tinyConfig(data));
    }

    /**
     * Three architectures, one epoch each, a two-threshold sweep that may prune as much as it likes;
     * and the layer-wise schedule, internal residual policy, L1 compared under the same schedule.
     */
    static String tinyConfig(String data) {
        return """
                diversify {
                  data { path = "%s", validation-size = 100, train-per-class = 30, test-per-class = 10, batch-size = 16 }
                  run.max-concurrent = 2
                  defaults {
                    width = 0.25
                    baseline { epochs = 1, learning-rate = 0.05, decay-at = [] }
                    sweep { taus = [0.5, 1.0], max-accuracy-drop = 1.0 }
                    retrain { epochs = 1, learning-rate = 0.01, decay-at = [] }
                  }
                  experiments {
                    vgg { model = vgg16, width = 0.125 }
                    resnet { model = resnet20 }
                    densenet { model = densenet-bc-40-12 }
                    resnet-lw { model = resnet20, schedule = layer-wise, residual = internal, layer-wise-epochs = 1, compare = [l1] }
                  }
                }
                """.formatted(data);
    }

    private static SparkSession spark() {
        return SparkSessions.start("test-reader");
    }

    @Test
    @Order(1)
    void runsEveryStageOfThreeArchitectures() throws Exception {
        String root = dir.resolve("runs").toString();
        Printed printed = Printed.by("run", "--conf", conf.toString(), "--out", root, "--run-id", "e2e");
        CliRun run = printed.run();
        String progress = printed.progress();
        assertEquals(0, run.exitCode(), run.err());
        Path runDir = dir.resolve("runs/e2e");
        assertTrue(Files.readString(runDir.resolve("summary.md")).contains("| resnet | resnet20 | cifar10 |"));
        CliRun stages = CliRun.of("results", runDir.toString(), "--stages");
        assertEquals(0, stages.exitCode(), stages.err());
        List<Row> epochs = rows(runDir, "training", "experiment = 'vgg' and stage = 'baseline'", true, "seconds");
        java.util.regex.Matcher baselineRow = java.util.regex.Pattern.compile(
                "\\| vgg \\| baseline \\| ([0-9.]+) \\| 1 x 300 \\| ([0-9.]+) \\|").matcher(stages.out());
        assertTrue(baselineRow.find(), stages.out());
        assertEquals(300 / epochs.get(0).getDouble(0), Double.parseDouble(baselineRow.group(2)), 0.1,
                "one epoch of the 300 training images over its recorded seconds");
        for (String stage : List.of("data", "similarity", "sweep", "prune-diversify", "retrain-diversify",
                "prune-random", "retrain-l1")) {
            assertTrue(stages.out().contains("| vgg | " + stage + " | "), stage + ":\n" + stages.out());
        }
        CliRun compared = CliRun.of("results", runDir.toString(), "--compare");
        assertEquals(0, compared.exitCode(), compared.err());
        List<Row> lw = table(runDir, "metrics", "experiment, method, state").stream()
                .filter(r -> "resnet-lw".equals(r.getAs("experiment")) && "retrained".equals(r.getAs("state"))).toList();
        assertEquals(List.of("diversify", "l1"), lw.stream().map(r -> r.<String>getAs("method")).toList());
        assertTrue(compared.out().contains(String.format(java.util.Locale.ROOT, "| resnet-lw | %+.2f | - |",
                100 * (lw.get(0).<Double>getAs("accuracy") - lw.get(1).<Double>getAs("accuracy")))), compared.out());

        SparkSession spark = spark();
        try {
            Dataset<Row> metrics = spark.read().parquet(runDir.resolve("metrics").toString());
            assertEquals(3 * (1 + 3 * 2) + (1 + 2 * 2), metrics.count(),
                    "baseline + pruned and retrained for 3 methods, 3 experiments; the layer-wise one with 2");
            // layer-wise is fair: L1 goes group by group with retraining too, to the rule's channels
            assertTrue(progress.matches("(?s).*resnet-lw +layer-wise l1: .*"), progress);
            assertEquals(metrics.filter("experiment = 'resnet-lw' AND method = 'diversify' AND state = 'pruned'")
                    .first().<Long>getAs("params"), metrics.filter("experiment = 'resnet-lw' AND method = 'l1' "
                    + "AND state = 'pruned'").first().<Long>getAs("params"));
            assertEquals(0, metrics.filter("accuracy < 0 OR accuracy > 1 OR isnan(accuracy)").count());
            assertEquals(0, metrics.filter("state = 'retrained' AND NOT (params_reduction_pct > 0 AND flops_reduction_pct > 0)")
                    .count(), "every method prunes something");
            assertEquals(1, metrics.filter("experiment = 'vgg' AND state = 'baseline'").select("code_revision", "config")
                    .filter("config LIKE '%vgg16%'").count());
            Dataset<Row> sweep = spark.read().parquet(runDir.resolve("sweep").toString());
            assertTrue(sweep.filter("chosen").count() > 0);
            assertEquals(2, sweep.filter("experiment = 'resnet'").select("tau").distinct().count());

            // training/ records the memory of every epoch: plausible sizes, resident above the heap in use.
            Dataset<Row> training = spark.read().parquet(runDir.resolve("training").toString());
            assertTrue(training.count() > 0);
            assertEquals(0, training.filter("NOT (resident_mib > 100 AND resident_mib < 65536 AND heap_mib > 0 "
                    + "AND off_heap_mib >= 0 AND resident_mib > heap_mib)").count(), "memory columns of every epoch");

            // layers/ agrees with the saved pruned models, layer by layer.
            Dataset<Row> layers = spark.read().parquet(runDir.resolve("layers").toString());
            for (String experiment : List.of("vgg", "resnet", "densenet", "resnet-lw")) {
                ComputationGraph pruned = ModelFiles.load(runDir.resolve("models/" + experiment + "/diversify.zip").toString());
                onnx.Onnx.ModelProto exported = onnx.Onnx.ModelProto.parseFrom(
                        Files.readAllBytes(runDir.resolve("models/" + experiment + "/diversify.onnx")));
                assertEquals(java.util.Arrays.stream(pruned.getLayers()).filter(l -> l.numParams() > 0).count(),
                        exported.getGraph().getInitializerList().stream().map(t -> t.getName().substring(0,
                        t.getName().lastIndexOf('.'))).distinct().count(), experiment + ": the retrained network as "
                        + "ONNX beside its zip, every layer with parameters in it");
                Map<String, Long> convChannels = new HashMap<>();
                CostCounter.count(pruned.getConfiguration(), InputType.convolutional(32, 32, 3)).layers().stream()
                        .filter(l -> l.type().equals("conv")).forEach(l -> convChannels.put(l.name(), l.outChannels()));
                List<Row> rows = layers.filter("experiment = '" + experiment + "' AND method = 'diversify'").collectAsList();
                assertEquals(convChannels.size(), rows.size());
                for (Row row : rows) {
                    assertEquals(convChannels.get(row.<String>getAs("layer")).intValue(), row.<Integer>getAs("channels_after"),
                            experiment + " " + row.getAs("layer"));
                }
                long params = metrics.filter("experiment = '" + experiment + "' AND method = 'diversify' AND state = 'retrained'")
                        .first().getAs("params");
                assertEquals(pruned.numParams(), params + CostCounter.count(pruned.getConfiguration(),
                        InputType.convolutional(32, 32, 3)).bnStatistics());
            }
        } finally {
            spark.stop();
        }
    }

    @Test
    @Order(2)
    void theReportShowsEveryExperimentWithEveryPlot() throws Exception {
        Path runDir = dir.resolve("runs/e2e");
        String written = Files.readString(runDir.resolve("report.html"));
        Path page = dir.resolve("report.html");
        Path pngs = dir.resolve("plots");
        CliRun report = CliRun.of("report", runDir.toString(), "--out", page.toString(), "--plots", pngs.toString());
        assertEquals(0, report.exitCode(), report.err());
        byte[] drawn = Files.readAllBytes(pngs.resolve(
                "resnet20-on-cifar10-retrained-vs-parameters-removed.png"));
        assertTrue(drawn.length > 5000 && drawn[1] == 'P' && drawn[2] == 'N' && drawn[3] == 'G');
        try (Stream<Path> files = Files.list(pngs)) {
            assertEquals(2 + 4 * 7, files.count(), "every plot of the page: two across experiments, seven each");
        }
        String html = Files.readString(page);
        assertEquals(written.length(), html.length(), "the run wrote the same page at its end");
        assertTrue(!html.contains("http://") && !html.contains("https://") && !html.contains("src=\"/"),
                "self-contained: nothing to fetch");
        int across = html.indexOf("<h2>resnet20 on cifar10: every experiment</h2>");
        assertTrue(across > 0 && !html.contains("<h2>vgg16 on cifar10: every experiment"),
                "a model with two experiments, only");
        String acrossPlots = html.substring(across, html.indexOf("</div></div>", across));
        assertEquals(List.of("resnet20 on cifar10: retrained vs parameters removed (%)",
                        "resnet20 on cifar10: retrained vs FLOPs removed (%)"),
                java.util.regex.Pattern.compile("<img alt=\"([^\"]+)\"").matcher(acrossPlots).results()
                        .map(m -> m.group(1)).toList());
        for (String experiment : List.of("vgg", "resnet", "densenet", "resnet-lw")) {
            int start = html.indexOf("<h2 id=\"" + experiment + "\">");
            assertTrue(start > 0, experiment + " has a section");
            int end = html.indexOf("<h2 ", start + 1);
            String section = html.substring(start, end < 0 ? html.length() : end);
            String[] plots = section.split("<div class=\"plot\">");
            assertEquals(1 + 7, plots.length,
                    experiment + ": accuracy vs params and FLOPs, channels, sweep, loss, accuracy, memory");
            assertTrue(section.contains("alt=\"" + experiment + ": memory after each epoch\""), experiment + ": memory plot");
            for (int p = 1; p < plots.length; p++) {
                assertTrue(plots[p].startsWith("<img alt=\"" + experiment + ": "), experiment + " plot " + p + " is titled");
                String png = plots[p].substring(plots[p].indexOf("base64,") + 7, plots[p].indexOf("\"></div>"));
                byte[] image = java.util.Base64.getDecoder().decode(png);
                assertTrue(image.length > 5000 && image[1] == 'P' && image[2] == 'N' && image[3] == 'G',
                        experiment + " plot " + p + " is a drawn PNG");
            }
            assertTrue(html.contains("<a href=\"#" + experiment + "\">"), "the table links to " + experiment);
        }
    }

    @Test
    @Order(3)
    void aRerunResumesRecomputingOnlyWhatWasNotComplete() throws Exception {
        Path runDir = dir.resolve("runs/e2e");
        Path markers = runDir.resolve("_stages/resnet");
        Files.delete(markers.resolve("retrain-random.json"));
        Map<Path, FileTime> before = modified(runDir.resolve("_stages"));
        // what a driver killed in the middle of each kind of write leaves (HadoopFiles.staging's names)
        List<Path> leftovers = List.of(
                Files.createDirectories(runDir.resolve("sweep/.experiment=resnet.incomplete-1/_temporary/0")),
                Files.writeString(runDir.resolve("models/resnet/.random.zip.incomplete-2"), "partial"),
                Files.writeString(markers.resolve(".retrain-random.json.incomplete-3"), "{"),
                Files.writeString(runDir.resolve(".summary.md.incomplete-4"), "| partial"));
        List<Row> rowsBefore = metricsOf(runDir);
        List<Row> epochsBefore = retrainRandomEpochs(runDir);
        List<Row> sweepBefore = table(runDir, "sweep", "experiment, group, tau");
        List<Row> layersBefore = table(runDir, "layers", "experiment, method, layer");

        CliRun rerun = CliRun.of("run", "--conf", conf.toString(), "--out", dir.resolve("runs").toString(),
                "--run-id", "e2e");
        assertEquals(0, rerun.exitCode(), rerun.err());
        assertTrue(Files.exists(markers.resolve("retrain-random.json")), "the missing stage ran again");
        try (Stream<Path> checkpoints = Files.walk(markers)) {
            assertEquals(List.of(), checkpoints.filter(p -> p.toString().contains("_checkpoints")
                    && Files.isRegularFile(p)).toList(), "a training's checkpoint outlives it");
        }
        leftovers.forEach(p -> assertTrue(!Files.exists(p), p + " was left behind"));
        // determinism: the stage recomputed alone gives what it gave among concurrent experiments
        assertEquals(epochsBefore, retrainRandomEpochs(runDir));
        assertEquals(sweepBefore, table(runDir, "sweep", "experiment, group, tau"), "sweep rows from the markers");
        assertEquals(layersBefore, table(runDir, "layers", "experiment, method, layer"), "layer rows from the markers");
        Map<Path, FileTime> after = modified(runDir.resolve("_stages"));
        before.forEach((marker, time) -> assertEquals(time, after.get(marker), "recomputed " + marker));
        List<Row> rowsAfter = metricsOf(runDir);
        assertEquals(rowsBefore.size(), rowsAfter.size());
        for (int i = 0; i < rowsBefore.size(); i++) {
            Row a = rowsBefore.get(i);
            Row b = rowsAfter.get(i);
            assertEquals(a.<Long>getAs("params"), b.<Long>getAs("params"));
            assertEquals(a.<Double>getAs("accuracy"), b.<Double>getAs("accuracy"), a.toString());
        }
    }

    private static Map<Path, FileTime> modified(Path directory) throws IOException {
        Map<Path, FileTime> times = new HashMap<>();
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                times.put(file, Files.getLastModifiedTime(file));
            }
        }
        return times;
    }

    /**
     * Determinism: the same config and seed run again (resnet alone, where the first run had it beside
     * another experiment) gives the same tables, value for value; only timings, memory and run ids differ.
     */
    @Test
    @Order(5)
    void aSecondRunOfTheSameConfigGivesTheSameTables() throws Exception {
        CliRun again = CliRun.of("run", "--conf", conf.toString(), "--out", dir.resolve("runs").toString(),
                "--run-id", "again", "--only", "resnet");
        assertEquals(0, again.exitCode(), again.err());
        Map<String, String> columns = Map.of(
                "metrics", "method, state, params, bn_statistics, macs, flops, params_reduction_pct, accuracy",
                "layers", "method, layer, group, channels_before, channels_after, tau, kept_indices",
                "sweep", "group, tau, channels_before, channels_kept, validation_accuracy, chosen",
                "training", "stage, epoch, learning_rate, loss, validation_accuracy");
        SparkSession spark = spark();
        try {
            for (Map.Entry<String, String> table : columns.entrySet()) {
                String[] cols = table.getValue().split(", ");
                List<List<Row>> runs = new java.util.ArrayList<>();
                for (String run : List.of("e2e", "again")) {
                    runs.add(spark.read().parquet(dir.resolve("runs/" + run + "/" + table.getKey()).toString())
                            .filter("experiment = 'resnet'").selectExpr(cols).orderBy(cols[0],
                                    java.util.Arrays.copyOfRange(cols, 1, 2)).collectAsList());
                }
                assertTrue(!runs.get(0).isEmpty(), table.getKey());
                assertEquals(runs.get(0), runs.get(1), table.getKey() + " differs between two runs of one config");
            }
        } finally {
            spark.stop();
        }
    }

    /**
     * Compression targets end to end on a small Fashion-MNIST subset: half of the parameters, allocated per group over a fraction grid, for
     * VGG16 and for ResNet20 with coupled residual groups; and the global threshold. The exact reduction of
     * the network built is the target or just above it, and the comparisons keep the same counts.
     */
    @Test
    @Order(6)
    void aParameterTargetIsReachedByTheNetworkBuilt() throws Exception {
        Path targets = dir.resolve("targets.conf");
        Files.writeString(targets, tinyConfig(fashionMnist()).replace("experiments {", """
                experiments {
                    vgg-target { model = vgg16, width = 0.125, compare = [l1], sweep { taus = [], objective = target,
                      fractions = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9], target.params = 0.5 } }
                    resnet-target { model = resnet20, compare = [random], sweep { taus = [], objective = target,
                      fractions = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9], target.params = 0.5 } }
                    resnet-global { model = resnet20, compare = [], sweep { taus = [], objective = global-tau,
                      fractions = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9], target.flops = 0.3 } }
                """));
        CliRun run = CliRun.of("run", "--conf", targets.toString(), "--out", dir.resolve("runs").toString(),
                "--run-id", "targets", "--only", "vgg-target,resnet-target,resnet-global");
        assertEquals(0, run.exitCode(), run.err());
        SparkSession spark = spark();
        try {
            List<Row> pruned = spark.read().parquet(dir.resolve("runs/targets/metrics").toString())
                    .filter("state = 'pruned'").orderBy("experiment", "method").collectAsList();
            assertEquals(5, pruned.size());
            for (Row row : pruned) {
                boolean flops = row.<String>getAs("experiment").equals("resnet-global");
                double reduction = row.<Double>getAs(flops ? "flops_reduction_pct" : "params_reduction_pct");
                // the exact count reaches the target. The allocator looks first within 3 points above it, but its
                // additive approximation can miss that window (AllocationTest counts how often, against brute
                // force): on an AMD EPYC VM (2026-12-06) the same run trained to other accuracies and the
                // allocator's plan for ResNet20 removed 59.6 % for a target of 50 %; one global point moves in
                // coarser steps
                assertTrue(reduction >= (flops ? 30 : 50) && reduction <= 70, row.toString());
            }
            // rows: resnet-global diversify; resnet-target diversify, random; vgg-target diversify, l1. The
            // comparisons keep the rule's counts, so the same exact reduction
            assertEquals(pruned.get(1).<Long>getAs("params"), pruned.get(2).<Long>getAs("params"));
            assertEquals(pruned.get(3).<Long>getAs("params"), pruned.get(4).<Long>getAs("params"));
            // global-tau: one grid point for every group
            List<Row> chosen = spark.read().parquet(dir.resolve("runs/targets/sweep").toString())
                    .filter("experiment = 'resnet-global' and chosen").select("channels_before", "channels_kept")
                    .collectAsList();
            assertTrue(!chosen.isEmpty());
        } finally {
            spark.stop();
        }
    }

    /**
     * Iterative rounds on a small Fashion-MNIST subset: two rounds towards half of the parameters, each comparison on its own network with the
     * rule's counts of the round, fine-tuned between rounds; a deleted round marker is all a rerun recomputes.
     */
    @Test
    @Order(7)
    void iterativeRoundsReachTheTargetForEveryMethodAndResume() throws Exception {
        Path iterative = dir.resolve("iterative.conf");
        Files.writeString(iterative, tinyConfig(fashionMnist()).replace("experiments {", """
                experiments {
                    vgg-rounds { model = vgg16, width = 0.125, schedule = iterative, rounds = 2, round-epochs = 1,
                      sweep { taus = [], objective = target, fractions = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9],
                      target.params = 0.5 } }
                """));
        String[] args = {"run", "--conf", iterative.toString(), "--out", dir.resolve("runs").toString(),
                "--run-id", "rounds", "--only", "vgg-rounds"};
        CliRun run = CliRun.of(args);
        assertEquals(0, run.exitCode(), run.err());
        Path runDir = dir.resolve("runs/rounds");
        List<Row> metrics = table(runDir, "metrics", "method, round, state");
        assertEquals(1 + 3 * 4, metrics.size(), "baseline; per method pruned and fine-tuned in round 1, pruned "
                + "in round 2 and retrained");
        for (String method : List.of("diversify", "l1", "random")) {
            List<String> states = metrics.stream().filter(r -> method.equals(r.getAs("method")))
                    .map(r -> r.getAs("round") + " " + r.getAs("state")).toList();
            assertEquals(List.of("1 fine-tuned", "1 pruned", "2 pruned", "2 retrained"), states, method);
        }
        for (int round : new int[] {1, 2}) {
            List<Row> pruned = metrics.stream().filter(r -> r.<Integer>getAs("round") == round
                    && "pruned".equals(r.getAs("state"))).toList();
            assertEquals(1, pruned.stream().map(r -> r.<Long>getAs("params")).distinct().count(),
                    "round " + round + ": every method keeps the rule's counts");
            double reduction = pruned.get(0).<Double>getAs("params_reduction_pct");
            // round 1: 1 - sqrt(0.5) of the baseline; round 2: the target; each within the window above it
            double aim = round == 1 ? 100 * (1 - Math.sqrt(0.5)) : 50;
            assertTrue(reduction >= aim && reduction <= aim + 3, "round " + round + ": " + reduction);
        }
        List<Row> layers = table(runDir, "layers", "method, layer, round");
        for (int i = 0; i < layers.size(); i += 2) {
            assertEquals(layers.get(i).<Integer>getAs("channels_after"), layers.get(i + 1).<Integer>getAs("channels_before"),
                    "round 2 prunes what round 1 left: " + layers.get(i));
        }
        assertEquals(2, table(runDir, "sweep", "round").stream().map(r -> r.<Integer>getAs("round")).distinct().count());
        assertTrue(Files.readString(runDir.resolve("report.html")).contains("alt=\"vgg-rounds: sweep of round 2"));

        Path markers = runDir.resolve("_stages/vgg-rounds");
        Files.delete(markers.resolve("prune-l1-round-2.json"));
        Map<Path, FileTime> before = modified(markers);
        CliRun rerun = CliRun.of(args);
        assertEquals(0, rerun.exitCode(), rerun.err());
        assertTrue(Files.exists(markers.resolve("prune-l1-round-2.json")), "the deleted round stage ran again");
        Map<Path, FileTime> after = modified(markers);
        before.forEach((marker, time) -> assertEquals(time, after.get(marker), "recomputed " + marker));
        List<Row> again = table(runDir, "metrics", "method, round, state");
        for (int i = 0; i < metrics.size(); i++) {
            assertEquals(metrics.get(i).<Long>getAs("params"), again.get(i).<Long>getAs("params"));
            assertEquals(metrics.get(i).<Double>getAs("accuracy"), again.get(i).<Double>getAs("accuracy"));
        }
    }

    /**
     * A baseline brought in as ONNX (here this project's own export of an untrained ResNet20) under a name of the
     * user's: it is swept, pruned, retrained and written back as ONNX, and the tables carry its name. A second
     * experiment of the run that sweeps the same baseline on the same validation images reads the first one's
     * sweep accuracies instead of measuring them again.
     */
    @Test
    @Order(8)
    void anOnnxBaselineGoesThroughEveryStageUnderItsOwnName() throws Exception {
        ModelSpec spec = ModelSpec.cifar(Architecture.RESNET20, 10).withWidth(0.25);
        Path onnx = Files.write(dir.resolve("resnet20.onnx"),
                OnnxExport.export(Models.build(spec), Models.inputType(spec)).toByteArray());
        Path config = Files.writeString(dir.resolve("onnx.conf"), tinyConfig(dir.resolve("cifar10").toString())
                .replace("experiments {", "experiments {\n  brought { model = \"my-resnet\", baseline.model = \""
                        + onnx + "\", compare = [] }\n  brought-again { model = \"my-resnet\", baseline.model = \""
                        + onnx + "\", compare = [], sweep.max-accuracy-drop = 0.5 }") + "diversify.run.max-concurrent = 1\n");
        Path root = dir.resolve("runs");
        Printed printed = Printed.by("run", "--conf", config.toString(), "--out", root.toString(), "--run-id", "onnx",
                "--only", "brought,brought-again");
        CliRun run = printed.run();
        assertEquals(0, run.exitCode(), run.err());
        assertEquals(1, printed.progress().split("sweep: all of the ", -1).length - 1, "the second experiment "
                + "reads every cell:\n" + printed.progress());
        try (var cached = Files.list(root.resolve("onnx/_cache/sweep-cells"))) {
            assertEquals(1, cached.count(), "one network swept on one set of validation images");
        }
        List<Row> sweeps = rows(root.resolve("onnx"), "sweep", "true", true, "group", "tau", "experiment",
                "validation_accuracy");
        assertTrue(sweeps.size() >= 4 && sweeps.size() % 2 == 0, sweeps.toString());
        for (int i = 0; i < sweeps.size(); i += 2) {
            assertEquals(List.of("brought", "brought-again"), List.of(sweeps.get(i).getString(2),
                    sweeps.get(i + 1).getString(2)));
            assertEquals(sweeps.get(i).getDouble(3), sweeps.get(i + 1).getDouble(3), sweeps.get(i).toString());
        }
        List<Row> metrics = rows(root.resolve("onnx"), "metrics", "experiment = 'brought'", false, "round", "state");
        assertEquals(List.of("baseline", "pruned", "retrained"), metrics.stream().map(r -> r.<String>getAs("state"))
                .toList());
        assertTrue(metrics.stream().allMatch(r -> r.<String>getAs("model").equals("my-resnet")), metrics.toString());
        assertEquals(CostCounter.count(Models.configuration(spec), Models.inputType(spec)).params(),
                metrics.get(0).<Long>getAs("params"), "the imported baseline has the exported network's size");
        assertTrue(Files.exists(root.resolve("onnx/models/brought/diversify.onnx")), "the retrained model as ONNX");
    }

    /** A command's result and the progress lines it printed (to {@code System.out}, echoed there). */
    private record Printed(CliRun run, String progress) {
        static Printed by(String... args) {
            java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
            java.io.PrintStream console = System.out;
            System.setOut(new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8));
            CliRun run;
            try {
                run = CliRun.of(args);
            } finally {
                System.setOut(console);
            }
            String progress = printed.toString(java.nio.charset.StandardCharsets.UTF_8);
            console.print(progress);
            return new Printed(run, progress);
        }
    }

    /** Real data: Debian's dataset-fashion-mnist (which CI installs), read as a run reads it (32x32, RGB). */
    private static String fashionMnist() {
        assumeTrue(Files.isDirectory(DataCommandTest.FASHION_MNIST), "dataset-fashion-mnist is not installed");
        return DataCommandTest.FASHION_MNIST.toString();
    }

    /** Epoch, learning rate, loss and validation accuracy of resnet's retrain-random, in order. */
    private static List<Row> retrainRandomEpochs(Path runDir) {
        return rows(runDir, "training", "experiment = 'resnet' and stage = 'retrain-random'", true,
                "epoch", "learning_rate", "loss", "validation_accuracy");
    }

    private static List<Row> table(Path runDir, String name, String order) {
        return rows(runDir, name, "true", false, order.split(", "));
    }

    private static List<Row> metricsOf(Path runDir) {
        return table(runDir, "metrics", "experiment, method, state");
    }

    /** The rows of a run's table that match {@code filter}, ordered by {@code columns}, only those or all kept. */
    private static List<Row> rows(Path runDir, String name, String filter, boolean only, String... columns) {
        SparkSession spark = spark();
        try {
            Dataset<Row> table = spark.read().parquet(runDir.resolve(name).toString()).filter(filter);
            return (only ? table.selectExpr(columns) : table)
                    .orderBy(columns[0], java.util.Arrays.copyOfRange(columns, 1, columns.length)).collectAsList();
        } finally {
            spark.stop();
        }
    }

    @Test
    @Order(4)
    void writesToHdfsAndReadsBackWithSparkSql() throws Exception {
        Configuration hadoop = new Configuration();
        hadoop.set("dfs.replication", "1");
        MiniDFSCluster hdfs = new MiniDFSCluster.Builder(hadoop, dir.resolve("hdfs").toFile()).numDataNodes(1).build();
        try {
            hdfs.waitActive();
            String root = hdfs.getURI() + "/runs";
            CliRun run = CliRun.of("run", "--conf", conf.toString(), "--out", root, "--run-id", "h1", "--only", "resnet");
            assertEquals(0, run.exitCode(), run.err());
            SparkSession spark = spark();
            try {
                spark.read().parquet(root + "/h1/metrics").createOrReplaceTempView("metrics");
                List<Row> rows = spark.sql("SELECT method, state, accuracy, flops FROM metrics "
                        + "WHERE experiment = 'resnet' ORDER BY method, state").collectAsList();
                assertEquals(7, rows.size());
                assertEquals("baseline", rows.get(0).getString(0));
            } finally {
                spark.stop();
            }
            CliRun results = CliRun.of("results", root + "/h1", "--detail");
            assertEquals(0, results.exitCode(), results.err());
            assertTrue(results.out().contains("| resnet | resnet20 |"), results.out());
            assertTrue(results.out().contains("| diversify | 1 | retrained |") && results.out().contains("stem_conv 4->"),
                    results.out());
        } finally {
            hdfs.shutdown();
        }
    }
}

package dev.diversify.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.diversify.data.ImageShape;
import dev.diversify.metrics.CostCounter;
import dev.diversify.layers.LayerCost;
import dev.diversify.metrics.ModelCost;
import dev.diversify.models.Architecture;
import dev.diversify.models.ModelSpec;
import dev.diversify.models.Models;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code diversify models}: parameters, MACs and FLOPs of the architectures, per layer. */
@Command(name = "models", mixinStandardHelpOptions = true,
        header = "Prints each model's parameters, MACs and FLOPs, in total and per layer.",
        description = "Parameters are the trainable ones (weights, biases, batch-norm gamma and beta); batch-norm "
                + "running statistics are counted apart. MACs count the multiply-accumulates of convolutions and "
                + "dense layers for one image, and FLOPs = 2 x MACs.")
final class ModelsCommand implements Callable<Integer> {
    enum Format { table, json }

    @Spec
    private CommandSpec spec;

    @Option(names = "--model", paramLabel = "NAME", defaultValue = "all",
            description = "The model: vgg16, resnet20, resnet56, densenet-40-12, densenet-bc-40-12 or all (default: ${DEFAULT-VALUE}).")
    private String model;

    @Option(names = "--classes", paramLabel = "N", defaultValue = "10",
            description = "The number of classes, 10 for CIFAR-10 or 100 for CIFAR-100 (default: ${DEFAULT-VALUE}).")
    private int classes;

    @Option(names = "--width", paramLabel = "W", defaultValue = "1.0",
            description = "The width multiplier applied to every channel count (default: ${DEFAULT-VALUE}).")
    private double width;

    @Option(names = "--input", paramLabel = "CxHxW", defaultValue = "3x32x32", converter = InputShape.class,
            description = "The input shape (default: ${DEFAULT-VALUE}).")
    private ImageShape input;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
            description = "The output format: table or json (default: ${DEFAULT-VALUE}).")
    private Format format;

    @Override
    public Integer call() throws Exception {
        List<Architecture> architectures = "all".equalsIgnoreCase(model)
                ? List.of(Architecture.values()) : List.of(Architecture.fromId(model));
        List<Map<String, Object>> summaries = new ArrayList<>();
        for (Architecture architecture : architectures) {
            ModelSpec modelSpec = new ModelSpec(architecture, classes, input.channels(), input.height(), input.width(), width,
                    ModelSpec.DEFAULT_SEED);
            summaries.add(summary(modelSpec, CostCounter.count(Models.configuration(modelSpec),
                    Models.inputType(modelSpec))));
        }
        PrintWriter out = spec.commandLine().getOut();
        if (format == Format.json) {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(summaries));
        } else {
            summaries.forEach(summary -> printTable(out, summary));
        }
        out.flush();
        return 0;
    }

    private static Map<String, Object> summary(ModelSpec spec, ModelCost cost) {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("model", spec.architecture().id());
        summary.put("classes", spec.numClasses());
        summary.put("width", spec.width());
        summary.put("params", cost.params());
        summary.put("bnStatistics", cost.bnStatistics());
        summary.put("macs", cost.macs());
        summary.put("flops", cost.flops());
        List<Map<String, Object>> layers = new ArrayList<>();
        for (LayerCost layer : cost.layers()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", layer.name());
            row.put("type", layer.type());
            row.put("inChannels", layer.inChannels());
            row.put("outChannels", layer.outChannels());
            row.put("params", layer.params());
            row.put("macs", layer.macs());
            layers.add(row);
        }
        summary.put("layers", layers);
        return summary;
    }

    @SuppressWarnings("unchecked")
    private static void printTable(PrintWriter out, Map<String, Object> summary) {
        out.printf("%s  (%s classes, width %s)%n", summary.get("model"), summary.get("classes"), summary.get("width"));
        out.printf("  params %,d   BN statistics %,d   MACs %,d   FLOPs %,d%n",
                summary.get("params"), summary.get("bnStatistics"), summary.get("macs"), summary.get("flops"));
        out.printf("  %-34s %-9s %6s %6s %12s %14s%n", "layer", "type", "in", "out", "params", "MACs");
        for (Map<String, Object> layer : (List<Map<String, Object>>) summary.get("layers")) {
            out.printf("  %-34s %-9s %6d %6d %,12d %,14d%n", layer.get("name"), layer.get("type"),
                    layer.get("inChannels"), layer.get("outChannels"), layer.get("params"), layer.get("macs"));
        }
        out.println();
    }
}

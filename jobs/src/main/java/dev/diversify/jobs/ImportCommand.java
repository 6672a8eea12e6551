package dev.diversify.jobs;

import dev.diversify.data.ImageShape;
import dev.diversify.graph.ChannelGraph;
import dev.diversify.graph.ResidualPolicy;
import dev.diversify.metrics.CostCounter;
import dev.diversify.metrics.ModelCost;
import dev.diversify.models.ModelFiles;
import dev.diversify.models.Models;
import dev.diversify.onnx.OnnxImport;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.nd4j.linalg.learning.config.Nesterovs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code diversify import}: an ONNX CNN trained elsewhere as a DL4J model the whole product handles. */
@Command(name = "import", mixinStandardHelpOptions = true,
        header = "Converts an ONNX CNN into a DL4J model that can be counted, pruned, retrained and exported.",
        description = "Reads an ONNX model (opsets " + OnnxImport.MIN_OPSET + " to " + OnnxImport.MAX_OPSET
                + ", float32, one [N, C, H, W] input) made of Conv (group 1), BatchNormalization, Relu, MaxPool, "
                + "AveragePool (unpadded), GlobalAveragePool, Add, Concat (channels), Flatten or Reshape to "
                + "[N, features], Gemm or MatMul (+ Add), Softmax at the end, Identity, Dropout, and the "
                + "Constant/Shape/Gather/Unsqueeze/Pad forms PyTorch writes for these; it must end in a dense layer. "
                + "A network that ends in logits gets a softmax output layer (the same top-1). Anything else is "
                + "refused naming the node and its operator; the model is written whole or not at all. Export "
                + "from PyTorch with training=torch.onnx.TrainingMode.PRESERVE to keep batch norms as layers "
                + "(an eval-mode export folds them into the convolutions).")
final class ImportCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--onnx", paramLabel = "IN.onnx", required = true, description = "The ONNX file (any Hadoop path).")
    private String onnx;

    @Option(names = "--out", paramLabel = "MODEL.zip", required = true,
            description = "Where to write the DL4J model (ModelSerializer zip).")
    private String out;

    @Option(names = "--input", paramLabel = "CxHxW", converter = InputShape.class,
            description = "The input shape (default: the one the file declares; needed when its C, H or W is symbolic).")
    private ImageShape input;

    @Option(names = "--momentum", paramLabel = "M", defaultValue = "0.9",
            description = "Nesterov momentum of later retraining (default: ${DEFAULT-VALUE}).")
    private double momentum;

    @Option(names = "--weight-decay", paramLabel = "L2", defaultValue = "5e-4",
            description = "L2 weight decay of later retraining (default: ${DEFAULT-VALUE}).")
    private double weightDecay;

    @Override
    public Integer call() {
        if (!(momentum >= 0 && momentum < 1) || !(weightDecay >= 0)) {
            throw new IllegalArgumentException("--momentum is in [0, 1) and --weight-decay at least 0, got "
                    + momentum + " and " + weightDecay);
        }
        InputType.InputTypeConvolutional shape = input == null ? null : (InputType.InputTypeConvolutional)
                InputType.convolutional(input.height(), input.width(), input.channels());
        OnnxImport.Imported imported = ModelFiles.importOnnx(onnx, shape,
                new Nesterovs(Models.DEFAULT_LEARNING_RATE, momentum), weightDecay);
        ModelFiles.save(imported.network(), out);
        InputType.InputTypeConvolutional in = imported.input();
        ModelCost cost = CostCounter.count(imported.network().getConfiguration(), in);
        int groups = ChannelGraph.of(imported.network().getConfiguration(), in).groups(ResidualPolicy.COUPLED).size();
        PrintWriter w = spec.commandLine().getOut();
        w.printf("imported %s (ONNX opset %d) into %s: %d vertices, input %dx%dx%d, %d prunable groups%n", onnx,
                imported.opset(), out, imported.network().getConfiguration().getVertices().size(), in.getChannels(),
                in.getHeight(), in.getWidth(), groups);
        w.printf("  %-8s %,15d%n  %-8s %,15d%n  %-8s %,15d  (FLOPs = 2 x MACs)%n", "params", cost.params(), "MACs",
                cost.macs(), "FLOPs", cost.flops());
        if (imported.softmaxAdded()) {
            w.println("  the file ends in logits: the model's output layer applies softmax to them (the same top-1)");
        }
        w.flush();
        return 0;
    }
}

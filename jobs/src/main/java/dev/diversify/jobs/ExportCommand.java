package dev.diversify.jobs;

import dev.diversify.data.ImageShape;
import dev.diversify.io.HadoopFiles;
import dev.diversify.metrics.CostCounter;
import dev.diversify.models.ModelFiles;
import dev.diversify.onnx.OnnxExport;
import dev.diversify.surgery.BatchNormFolding;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code diversify export}: a model as ONNX, for the runtimes a pruned network is deployed to. */
@Command(name = "export", mixinStandardHelpOptions = true,
        header = "Writes a model as an ONNX file that computes what it computes in inference.",
        description = "Reads a model saved with DL4J's ModelSerializer (any of the five architectures, pruned or not) "
                + "and writes ONNX opset 13, float32, input 'input' of shape [N, C, H, W]. With --fold-batch-norm, "
                + "every batch norm that follows a convolution is folded into its weights and bias first. A layer "
                + "type the export cannot write is refused by name; the file is written whole or not at all.")
final class ExportCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--model", paramLabel = "MODEL.zip", required = true, description = "The model (any Hadoop path).")
    private String model;

    @Option(names = "--onnx", paramLabel = "OUT.onnx", required = true, description = "Where to write the ONNX file.")
    private String onnx;

    @Option(names = "--fold-batch-norm", description = "Fold batch norms into the preceding convolutions (inference only).")
    private boolean fold;

    @Option(names = "--input", paramLabel = "CxHxW", defaultValue = "3x32x32", converter = InputShape.class,
            description = "The input shape (default: ${DEFAULT-VALUE}, or an ONNX file's own).")
    private ImageShape input;

    @Override
    public Integer call() {
        boolean given = spec.commandLine().getParseResult().hasMatchedOption("--input");
        InputType.InputTypeConvolutional requested = (InputType.InputTypeConvolutional) InputType.convolutional(
                input.height(), input.width(), input.channels());
        ModelFiles.Loaded loaded = ModelFiles.loadWithInput(model, given ? requested : null);
        ComputationGraph network = loaded.network();
        InputType inputType = loaded.onnxInput() != null ? loaded.onnxInput() : requested;
        int folded = 0;
        if (fold) {
            BatchNormFolding.Folded result = BatchNormFolding.fold(network);
            network = result.network();
            folded = result.foldedBatchNorms().size();
        }
        onnx.Onnx.ModelProto exported = OnnxExport.export(network, inputType);
        HadoopFiles.writeAtomically(onnx, exported::writeTo);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("wrote %s: ONNX opset %d, %d nodes, %,d parameters%s%n", onnx, OnnxExport.OPSET,
                exported.getGraph().getNodeCount(), CostCounter.count(network.getConfiguration(), inputType).params(),
                fold ? ", " + folded + " batch norms folded into their convolutions" : "");
        out.flush();
        return 0;
    }
}

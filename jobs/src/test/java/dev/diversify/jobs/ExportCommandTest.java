package dev.diversify.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diversify.models.Architecture;
import dev.diversify.models.ModelFiles;
import dev.diversify.models.ModelSpec;
import dev.diversify.models.Models;
import java.nio.file.Files;
import java.nio.file.Path;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;

/** {@code export}: ONNX files written whole (their numbers are checked against ONNX Runtime in OnnxExportTest). */
class ExportCommandTest {
    @TempDir
    Path dir;

    @Test
    void writesAnOnnxModelWithOrWithoutItsBatchNorms() throws Exception {
        ModelSpec spec = ModelSpec.cifar(Architecture.RESNET20, 10).withWidth(0.25);
        String in = dir.resolve("resnet20.zip").toString();
        ModelFiles.save(Models.build(spec), in);
        Path plain = dir.resolve("plain.onnx");
        CliRun run = CliRun.of("export", "--model", in, "--onnx", plain.toString());
        assertEquals(0, run.exitCode(), run.err());
        onnx.Onnx.ModelProto model = onnx.Onnx.ModelProto.parseFrom(Files.readAllBytes(plain));
        assertEquals("input", model.getGraph().getInput(0).getName());
        assertEquals("output", model.getGraph().getOutput(0).getName());
        long batchNorms = model.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("BatchNormalization"))
                .count();
        assertEquals(21, batchNorms, "one per convolution of ResNet20 (19 and 2 shortcut convolutions)");

        Path folded = dir.resolve("folded.onnx");
        CliRun fold = CliRun.of("export", "--model", in, "--onnx", folded.toString(), "--fold-batch-norm");
        assertEquals(0, fold.exitCode(), fold.err());
        assertTrue(fold.out().contains("21 batch norms folded into their convolutions"), fold.out());
        assertFalse(onnx.Onnx.ModelProto.parseFrom(Files.readAllBytes(folded)).getGraph().getNodeList().stream()
                .anyMatch(n -> n.getOpType().equals("BatchNormalization")));
    }

    @Test
    void aLayerItCannotWriteExits2NamingItAndWritesNothing() throws Exception {
        ModelSpec spec = ModelSpec.cifar(Architecture.RESNET20, 10).withWidth(0.25);
        var conf = Models.configuration(spec);
        ((ActivationLayer) ((LayerVertex) conf.getVertices().get("stem_relu")).getLayerConf().getLayer())
                .setActivationFn(Activation.TANH.getActivationFunction());
        String in = dir.resolve("tanh.zip").toString();
        ModelFiles.save(Models.initialise(conf), in);
        Path out = dir.resolve("never.onnx");
        CliRun run = CliRun.of("export", "--model", in, "--onnx", out.toString());
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.err().contains("vertex 'stem_relu': activation tanh is not exported"), run.err());
        assertFalse(Files.exists(out));
        try (var left = Files.list(dir)) {
            assertTrue(left.noneMatch(p -> p.getFileName().toString().contains("incomplete")), "no staging file left");
        }
    }
}

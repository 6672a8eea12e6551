package dev.diversify.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code import} and {@code evaluate}: a model from PyTorch goes through prune and export like the project's own, and
 * evaluate measures what the pipeline measured (their numbers are checked against PyTorch in OnnxImportTest).
 */
class OnnxCommandsTest {
    private static final Path FIXTURES = Path.of("../pipeline/src/test/resources/onnx");
    private static final Path BASELINE = Path.of("../conf/baselines/vgg16-w025-fashion-mnist.zip");
    private static final Pattern PARAMS = Pattern.compile("params\\s+([\\d,]+)(?:\\s+->\\s+([\\d,]+))?");

    @TempDir
    Path dir;

    private static long params(String output, int which) {
        Matcher m = PARAMS.matcher(output);
        assertTrue(m.find(), output);
        return Long.parseLong(m.group(which).replace(",", ""));
    }

    @Test
    void anImportedPytorchModelIsPrunedExportedAndImportedAgain() {
        String zip = dir.resolve("residual.zip").toString();
        CliRun imported = CliRun.of("import", "--onnx", FIXTURES.resolve("residual_opset11.onnx").toString(),
                "--out", zip);
        assertEquals(0, imported.exitCode(), imported.err());
        assertTrue(imported.out().contains("(ONNX opset 11)") && imported.out().contains("input 3x16x16"),
                imported.out());
        assertTrue(imported.out().contains("the file ends in logits"), imported.out());
        assertEquals(9802, params(imported.out(), 1), "PyTorch's parameter count");

        String pruned = dir.resolve("pruned.zip").toString();
        CliRun prune = CliRun.of("prune", "--model", zip, "--tau", "0.95", "--out", pruned, "--input", "3x16x16");
        assertEquals(0, prune.exitCode(), prune.err());
        long after = params(prune.out(), 2);
        assertTrue(after < 9802, prune.out());

        String onnx = dir.resolve("pruned.onnx").toString();
        CliRun export = CliRun.of("export", "--model", pruned, "--onnx", onnx, "--input", "3x16x16");
        assertEquals(0, export.exitCode(), export.err());
        CliRun again = CliRun.of("import", "--onnx", onnx, "--out", dir.resolve("again.zip").toString());
        assertEquals(0, again.exitCode(), again.err());
        assertEquals(after, params(again.out(), 1), "the pruned network comes back with its size");
        assertFalse(again.out().contains("ends in logits"), "the export ends in its softmax: " + again.out());

        // the ONNX file directly, at its own 3x16x16 (the commands' default input is 3x32x32)
        String fixture = FIXTURES.resolve("residual_opset11.onnx").toString();
        CliRun direct = CliRun.of("prune", "--model", fixture, "--tau", "0.95", "--out", dir.resolve("d.zip").toString());
        assertEquals(0, direct.exitCode(), direct.err());
        assertEquals(9802, params(direct.out(), 1), direct.out());
        CliRun exported = CliRun.of("export", "--model", fixture, "--onnx", dir.resolve("d.onnx").toString());
        assertEquals(0, exported.exitCode(), exported.err());
    }

    @Test
    void filesItCannotImportExit2NamingTheFileOrNodeAndWriteNothing() throws Exception {
        Path text = Files.writeString(dir.resolve("notes.onnx"), "not a model\n");
        byte[] whole = Files.readAllBytes(FIXTURES.resolve("plain_opset17.onnx"));
        Path cut = Files.write(dir.resolve("cut.onnx"), Arrays.copyOf(whole, whole.length / 3));
        String[][] cases = {
            {FIXTURES.resolve("grouped_conv.onnx").toString(), "node '/conv/Conv' (Conv) is a grouped convolution"},
            {FIXTURES.resolve("unsupported_sigmoid.onnx").toString(), "node '/Sigmoid' (Sigmoid) is not supported"},
            {text.toString(), text + ": not an ONNX model"},
            {cut.toString(), cut + ": "},
            {dir.resolve("missing.onnx").toString(), "model file not found: " + dir.resolve("missing.onnx")},
        };
        for (String[] c : cases) {
            Path out = dir.resolve("out.zip");
            CliRun run = CliRun.of("import", "--onnx", c[0], "--out", out.toString());
            assertEquals(2, run.exitCode(), c[0] + ": " + run.err());
            assertTrue(run.err().contains(c[1]), run.err());
            assertFalse(run.err().contains("\tat "), "no stack trace: " + run.err());
            assertFalse(Files.exists(out), "nothing written for " + c[0]);
        }
        CliRun grey = CliRun.of("import", "--onnx", FIXTURES.resolve("residual_opset11.onnx").toString(), "--out",
                dir.resolve("grey.zip").toString(), "--input", "1x16x16");
        assertEquals(2, grey.exitCode(), grey.err());
        assertTrue(grey.err().contains("input 'image' has 3 channels, not the 1 requested"), grey.err());
    }

    /**
     * The shipped baseline's run measured 0.8882 on the 10,000 test images with Spark's distributed evaluation;
     * evaluate, one JVM, streaming the files, must agree to the image, from the zip and from its ONNX export.
     */
    @Test
    void evaluateGivesTheTestAccuracyTheRunMeasuredFromTheZipAndFromOnnx() {
        assumeTrue(Files.isDirectory(DataCommandTest.FASHION_MNIST), "dataset-fashion-mnist is not installed");
        String data = DataCommandTest.FASHION_MNIST.toString();
        String[] normalisation = {"--mean", "0.2189392902601377", "--std", "0.3316850396782919"};
        String onnx = dir.resolve("baseline.onnx").toString();
        assertEquals(0, CliRun.of("export", "--model", BASELINE.toString(), "--onnx", onnx).exitCode());
        for (String model : new String[] {BASELINE.toString(), onnx}) {
            String[] args = {"evaluate", "--model", model, "--data", data, normalisation[0], normalisation[1],
                normalisation[2], normalisation[3]};
            CliRun run = CliRun.of(args);
            assertEquals(0, run.exitCode(), run.err());
            assertTrue(run.out().contains("top-1 accuracy 0.8882 (8,882 of 10,000 images)"), model + ": " + run.out());
            assertTrue(run.err().contains("evaluate test [##############################] 10000/10000 images"),
                    "a progress bar: " + run.err());
        }
    }

    @Test
    void evaluateRefusesAnInputTheModelDoesNotTakeAndBadOptions() {
        assumeTrue(Files.isDirectory(DataCommandTest.FASHION_MNIST), "dataset-fashion-mnist is not installed");
        String data = DataCommandTest.FASHION_MNIST.toString();
        String model = BASELINE.toString();
        String[][] cases = {
            {"--grey", "the model does not take the data's images (channels x height x width 1x32x32)"},
            {"--mean=0.2", "give --mean and --std together"},
            {"--split=validation", "--split is test or train, got 'validation'"},
            {"--mean=0.1,0.2", "--mean has 2 values; the data's images have 3 channels: give 1 or 3"},
        };
        for (String[] c : cases) {
            CliRun run = c[0].equals("--mean=0.1,0.2")
                    ? CliRun.of("evaluate", "--model", model, "--data", data, c[0], "--std=0.3,0.3")
                    : CliRun.of("evaluate", "--model", model, "--data", data, c[0]);
            assertEquals(2, run.exitCode(), c[0] + ": " + run.err());
            assertTrue(run.err().contains(c[1]), run.err());
        }
    }
}

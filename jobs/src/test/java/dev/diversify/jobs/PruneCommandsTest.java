package dev.diversify.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.diversify.metrics.CostCounter;
import dev.diversify.models.Architecture;
import dev.diversify.models.ModelFiles;
import dev.diversify.models.ModelSpec;
import dev.diversify.models.Models;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

class PruneCommandsTest {
    @TempDir
    Path dir;

    /** Writes a float32 or float64 .npy file in C order. */
    static Path npy(Path file, String descr, long[] shape, double... values) throws IOException {
        return npy(file, descr, false, shape, values);
    }

    /** Writes a .npy file whose {@code values} are laid out in C or (with {@code fortran}) column-major order. */
    static Path npy(Path file, String descr, boolean fortran, long[] shape, double... values) throws IOException {
        StringBuilder dims = new StringBuilder();
        for (long d : shape) {
            dims.append(d).append(", ");
        }
        String header = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': (" + dims + "), }";
        int padded = (header.length() + 11 + 63) / 64 * 64 - 10;
        header = String.format("%-" + (padded - 1) + "s\n", header);
        int item = descr.endsWith("4") ? 4 : 8;
        ByteBuffer out = ByteBuffer.allocate(10 + header.length() + values.length * item).order(ByteOrder.LITTLE_ENDIAN);
        out.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length());
        out.put(header.getBytes(StandardCharsets.ISO_8859_1));
        for (double v : values) {
            if (item == 4) {
                out.putFloat((float) v);
            } else {
                out.putDouble(v);
            }
        }
        Files.write(file, out.array());
        return file;
    }

    @Test
    void selectPrintsTheKeptFiltersOfAnNpyLayer() throws Exception {
        // Four 1x1x2 filters: 0 and 2 point the same way (2 is 3x longer), 1 and 3 differ.
        Path weights = npy(dir.resolve("w.npy"), "<f4", new long[] {4, 1, 1, 2}, 1, 0, 0, 1, 3, 0, -1, 1);
        CliRun run = CliRun.of("select", "--weights", weights.toString(), "--tau", "0");
        assertEquals(0, run.exitCode(), run.err());
        assertEquals("1,2,3", run.out().trim());

        CliRun json = CliRun.of("select", "--weights", weights.toString(), "--tau", "0", "--json");
        JsonNode report = new ObjectMapper().readTree(json.out());
        assertEquals(4, report.get("filters").asInt());
        assertEquals(0, report.get("removed").get(0).get("index").asInt());
        assertEquals(2, report.get("removed").get(0).get("partner").asInt());

        Path wide = npy(dir.resolve("d.npy"), "<f8", new long[] {3, 2}, 1, 1, 2, 2.0001, 5, 1);
        assertEquals("1,2", CliRun.of("select", "--weights", wide.toString(), "--criterion", "l1", "--keep", "2")
                .out().trim());
        // Filters 0 and 1 are nearly parallel; 0 is closer to 2 (larger S), so 0 goes, then min-keep stops.
        assertEquals("1,2", CliRun.of("select", "--weights", wide.toString(), "--tau", "1.9", "--min-keep", "2")
                .out().trim(), "min-keep stops the rule");
        Path columnMajor = npy(dir.resolve("f.npy"), "<f8", true, new long[] {3, 2}, 1, 2, 5, 1, 2.0001, 1);
        assertEquals("1,2", CliRun.of("select", "--weights", columnMajor.toString(), "--criterion", "l1", "--keep", "2")
                .out().trim(), "the same layer saved in Fortran order");
        assertEquals("1,2", CliRun.of("select", "--weights", columnMajor.toString(), "--tau", "1.9", "--min-keep", "2")
                .out().trim());
        // a count budget for the rule: its removal order (0 duplicates 2; then 1 is closer to 3 and has the larger S)
        assertEquals("2,3", CliRun.of("select", "--weights", weights.toString(), "--keep", "2").out().trim());
    }

    @Test
    void selectRejectsBrokenFilesAndMissingArguments() throws Exception {
        Path weights = npy(dir.resolve("w.npy"), "<f4", new long[] {4, 2}, 1, 0, 0, 1, 3, 0, -1, 1);
        byte[] bytes = Files.readAllBytes(weights);
        Files.write(dir.resolve("short.npy"), java.util.Arrays.copyOf(bytes, bytes.length - 4));
        CliRun truncated = CliRun.of("select", "--weights", dir.resolve("short.npy").toString(), "--tau", "0.1");
        assertEquals(2, truncated.exitCode());
        assertTrue(truncated.err().contains("short.npy") && truncated.err().contains("truncated"), truncated.err());
        Path ints = npy(dir.resolve("i.npy"), "<i8", new long[] {1, 1}, 0);
        assertTrue(CliRun.of("select", "--weights", ints.toString(), "--tau", "0").err().contains("only float32 and float64"));
        CliRun noTau = CliRun.of("select", "--weights", weights.toString());
        assertEquals(2, noTau.exitCode());
        assertTrue(noTau.err().contains("--tau is required"), noTau.err());
        assertTrue(CliRun.of("select", "--weights", dir.resolve("none.npy").toString(), "--tau", "0").err()
                .contains("weights file not found"));
        Files.write(dir.resolve("tiny.npy"), new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0, 1, 0, 0});
        CliRun tiny = CliRun.of("select", "--weights", dir.resolve("tiny.npy").toString(), "--tau", "0.1");
        assertEquals(2, tiny.exitCode(), tiny.err());
        assertTrue(tiny.err().contains("tiny.npy") && tiny.err().contains("truncated"), tiny.err());
        CliRun both = CliRun.of("select", "--weights", weights.toString(), "--tau", "0.5", "--keep", "2");
        assertEquals(2, both.exitCode());
        assertTrue(both.err().contains("either --tau or --keep"), both.err());
        CliRun l1Tau = CliRun.of("select", "--weights", weights.toString(), "--criterion", "l1", "--tau", "0.5");
        assertEquals(2, l1Tau.exitCode());
        assertTrue(l1Tau.err().contains("l1 keeps a number of filters"), l1Tau.err());
    }

    /** ../shared/cases/zero-length-filters.npy: a layer whose filters have no weights. */
    @Test
    void filtersWithoutWeightsAreRefusedNamingFileAndShape() throws Exception {
        Path empty = npy(dir.resolve("zero-length-filters.npy"), "<f8", new long[] {4, 0});
        CliRun run = CliRun.of("select", "--weights", empty.toString(), "--tau", "0.5");
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.err().contains("zero-length-filters.npy") && run.err().contains("[4, 0]")
                && run.err().contains("no weights"), run.err());
    }

    @Test
    void prunesASavedModelAndReplaysItsPlan() throws Exception {
        ModelSpec spec = ModelSpec.cifar(Architecture.RESNET20, 10).withWidth(0.5);
        ComputationGraph original = Models.build(spec);
        String in = dir.resolve("resnet20.zip").toString();
        ModelFiles.save(original, in);
        String out = dir.resolve("pruned.zip").toString();
        CliRun run = CliRun.of("prune", "--model", in, "--tau", "0.9", "--taus", "stem_conv=2", "--out", out);
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("stem_conv                              8 ->     1 channels  (4 coupled convolutions)"),
                run.out());
        ComputationGraph pruned = ModelFiles.load(out);
        long params = CostCounter.count(pruned.getConfiguration(), Models.inputType(spec)).params();
        assertTrue(run.out().contains(String.format("%,d", params)), run.out());
        assertTrue(Files.exists(Path.of(out + ".plan.json")));

        String replay = dir.resolve("replay.zip").toString();
        CliRun again = CliRun.of("prune", "--model", in, "--plan", out + ".plan.json", "--out", replay);
        assertEquals(0, again.exitCode(), again.err());
        assertEquals(pruned.numParams(), ModelFiles.load(replay).numParams());

        CliRun both = CliRun.of("prune", "--model", in, "--plan", out + ".plan.json", "--tau", "1", "--out", replay);
        assertEquals(2, both.exitCode());
        CliRun unknown = CliRun.of("prune", "--model", in, "--taus", "stage7_conv=1", "--out", replay);
        assertTrue(unknown.err().contains("'stage7_conv'"), unknown.err());
        CliRun missing = CliRun.of("prune", "--model", dir.resolve("no.zip").toString(), "--tau", "1", "--out", replay);
        assertEquals(2, missing.exitCode());
        assertTrue(missing.err().contains("model file not found"), missing.err());
    }

    /**
     * {@code prune --target-params}: the run's sweep and allocation on one model, ResNet20 with coupled residual
     * groups; the exact reduction of the model written is the target or up to 3 points above; bad targets,
     * missing data, a target the grid cannot reach and data the model does not take exit 2 and write nothing.
     */
    @Test
    void pruneToATargetSweepsAllocatesAndCountsExactly() throws Exception {
        String data = dir.resolve("c10").toString();
        dev.diversify.data.SyntheticData.write(dev.diversify.data.DataFormat.CIFAR10, data, 300, 20, 7, false);
        ModelSpec spec = ModelSpec.cifar(Architecture.RESNET20, 10).withWidth(0.25);
        String in = dir.resolve("resnet20.zip").toString();
        ModelFiles.save(Models.build(spec), in);
        String out = dir.resolve("target.zip").toString();
        CliRun run = CliRun.of("prune", "--model", in, "--out", out, "--target-params", "0.5", "--data", data,
                "--validation-size", "100");
        assertEquals(0, run.exitCode(), run.err());
        long before = CostCounter.count(Models.build(spec).getConfiguration(), Models.inputType(spec)).params();
        long after = CostCounter.count(ModelFiles.load(out).getConfiguration(), Models.inputType(spec)).params();
        double reduction = 1 - (double) after / before;
        assertTrue(reduction >= 0.5 && reduction <= 0.53, "reduction " + reduction + "\n" + run.out());
        assertTrue(run.out().contains(String.format("%,d", after)) && run.out().contains("  tau "), run.out());
        assertTrue(run.out().contains("coupled convolutions"), "residual groups pruned jointly:\n" + run.out());
        assertTrue(Files.exists(Path.of(out + ".plan.json")));

        String never = dir.resolve("never.zip").toString();
        // each case: its arguments, then what the message must name
        for (List<String> bad : List.of(
                List.of("--target-params", "1.5", "--data", data, "--target-params is a fraction in (0, 1), got 1.5"),
                List.of("--target-flops", "0.5", "a target needs --data"),
                List.of("--tau", "0.5", "--data", data, "--data only apply with --target-params"),
                List.of("--target-params", "0.5", "--target-flops", "0.5", "--data", data, "give one of --plan"),
                List.of("--target-params", "0.95", "--fractions", "0.1,0.2", "--data", data, "--validation-size", "100",
                        "the target removes 95.0 % but the grid reaches at most"),
                List.of("--target-params", "0.5", "--data", data, "--mean", "0.1,0.2", "--std", "0.3,0.3",
                        "--mean has 2 values; the data's images have 3 channels"),
                List.of("--target-params", "0.5", "--data", data, "--objective", "per-group-drop",
                        "--objective is target or global-tau, got 'per-group-drop'"),
                List.of("--target-params", "0.5", "--data", data, "--grey",
                        "--pad-to, --rgb and --grey apply to IDX data; " + data + " is cifar10"),
                List.of("--tau", "0.5", "--pad-to", "0", "--pad-to only apply with --target-params"))) {
            List<String> args = new java.util.ArrayList<>(List.of("prune", "--model", in, "--out", never));
            args.addAll(bad.subList(0, bad.size() - 1));
            CliRun refused = CliRun.of(args.toArray(String[]::new));
            assertEquals(2, refused.exitCode(), bad + ": " + refused.err());
            assertTrue(refused.err().contains(bad.get(bad.size() - 1)), bad + ": " + refused.err());
            assertFalse(Files.exists(Path.of(never)), bad.toString());
        }
        // a model for grey 28x28 images, given 32x32 RGB ones
        String grey = dir.resolve("grey.zip").toString();
        ModelFiles.save(Models.build(new ModelSpec(Architecture.RESNET20, 10, 1, 28, 28, 0.25, 1)), grey);
        CliRun mismatch = CliRun.of("prune", "--model", grey, "--out", never, "--target-params", "0.5", "--data", data);
        assertEquals(2, mismatch.exitCode(), mismatch.err());
        assertTrue(mismatch.err().contains("the model does not take the data's images"), mismatch.err());
        // fed as it was trained: grey 28x28 IDX images, unpadded
        String idx = dir.resolve("idx").toString();
        dev.diversify.data.SyntheticData.write(dev.diversify.data.DataFormat.IDX, idx, 300, 20, 7, false);
        CliRun fed = CliRun.of("prune", "--model", grey, "--out", dir.resolve("grey-half.zip").toString(),
                "--target-params", "0.5", "--data", idx, "--pad-to", "0", "--grey", "--validation-size", "100");
        assertEquals(0, fed.exitCode(), fed.err());
    }

    @Test
    void rejectsAModelWithNaNWeightsNamingFileAndLayer() {
        ComputationGraph network = Models.build(ModelSpec.cifar(Architecture.RESNET20, 10).withWidth(0.25));
        network.getLayer("stage2_block1_conv1").getParam("W").putScalar(3, Double.NaN);
        String in = dir.resolve("nan.zip").toString();
        ModelFiles.save(network, in);
        CliRun run = CliRun.of("prune", "--model", in, "--tau", "1", "--out", dir.resolve("never.zip").toString());
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.err().contains(in + ": parameters of layer 'stage2_block1_conv1' contain NaN"), run.err());
        assertFalse(Files.exists(dir.resolve("never.zip")));
    }

    @Test
    void convertsAMultiLayerNetwork() throws Exception {
        MultiLayerNetwork network = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(1).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(6).build())
                .layer(new OutputLayer.Builder(LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(8, 8, 1)).build());
        network.init();
        Path in = dir.resolve("mln.zip");
        ModelSerializer.writeModel(network, in.toFile(), false);
        CliRun run = CliRun.of("prune", "--model", in.toString(), "--tau", "2", "--input", "1x8x8",
                "--out", dir.resolve("mln-pruned.zip").toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("6 ->     1 channels"), run.out());
    }
}

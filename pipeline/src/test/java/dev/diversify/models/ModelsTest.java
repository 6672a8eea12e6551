package dev.diversify.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diversify.backend.OneDnn;
import dev.diversify.metrics.CostCounter;
import dev.diversify.metrics.ModelCost;
import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ModelsTest {

    /** The published CIFAR counts (10 classes) and the 100-class ones from the same rules. */
    @ParameterizedTest
    @CsvSource({
        "vgg16,              10, 14986698, 313463808",
        "vgg16,             100, 15032868, 313509888",
        "resnet20,           10,   272474,  40813184",
        "resnet20,          100,   278324,  40818944",
        "resnet56,           10,   855770, 125747840",
        "resnet56,          100,   861620, 125753600",
        "densenet-40-12,     10,  1019722, 264812928",
        "densenet-40-12,    100,  1060132, 264853248",
        "densenet-bc-40-12,  10,   176122,  72365352",
        "densenet-bc-40-12, 100,   188092,  72377232",
    })
    void countsMatchThePublishedArchitectures(String id, int classes, long params, long macs) {
        ModelSpec spec = ModelSpec.cifar(Architecture.fromId(id), classes);
        ModelCost cost = CostCounter.count(Models.configuration(spec), Models.inputType(spec));
        assertEquals(params, cost.params(), "trainable parameters");
        assertEquals(macs, cost.macs(), "MACs");
        assertEquals(2 * macs, cost.flops(), "FLOPs = 2 x MACs");
    }

    /** Builds each network at full width, runs a forward pass and checks shapes, counts and helpers. */
    @ParameterizedTest
    @EnumSource(Architecture.class)
    void buildsRunsAndUsesOneDnnHelpers(Architecture architecture) {
        ModelSpec spec = ModelSpec.cifar(architecture, 10);
        ComputationGraph graph = Models.build(spec);
        ModelCost cost = CostCounter.count(graph.getConfiguration(), Models.inputType(spec));
        assertEquals(graph.numParams(), cost.params() + cost.bnStatistics(),
                "the counter accounts for every parameter array DL4J allocates");

        INDArray images = Nd4j.rand(2, 3, 32, 32);
        INDArray out = graph.outputSingle(images);
        assertArrayEquals(new long[] {2, 10}, out.shape());
        assertEquals(2.0, out.sumNumber().doubleValue(), 1e-4, "softmax rows sum to 1");

        assertTrue(OneDnn.backendHasOneDnn(), "ND4J must be the oneDNN build");
        assertEquals(List.of(), OneDnn.layersWithoutHelper(graph),
                "every convolution, batch norm and pooling layer runs on oneDNN");
    }

    /** Layers are created anew when a model is read: its batch norms must get {@code OneDnnBatchNorm} again. */
    @Test
    void aModelReadFromAFileRunsOnOneDnnToo(@TempDir Path dir) {
        String file = dir.resolve("model.zip").toString();
        ModelFiles.save(Models.build(ModelSpec.cifar(Architecture.RESNET20, 10).withWidth(0.25)), file);
        assertEquals(List.of(), OneDnn.layersWithoutHelper(ModelFiles.load(file)));
    }

    @Test
    void vggAtQuarterWidthCountsWhatTheFormulaSays() {
        ModelSpec spec = ModelSpec.cifar(Architecture.VGG16, 10).withWidth(0.25);
        int[] widths = {16, 16, 32, 32, 64, 64, 64, 128, 128, 128, 128, 128, 128};
        int[] sides = {32, 32, 16, 16, 8, 8, 8, 4, 4, 4, 2, 2, 2};
        long params = 0;
        long macs = 0;
        int in = 3;
        for (int i = 0; i < widths.length; i++) {
            long conv = 9L * in * widths[i];
            params += conv + 2L * widths[i];
            macs += conv * sides[i] * sides[i];
            in = widths[i];
        }
        params += 128L * 128 + 128 + 128L * 10 + 10;
        macs += 128L * 128 + 128L * 10;
        ModelCost cost = CostCounter.count(Models.configuration(spec), Models.inputType(spec));
        assertEquals(params, cost.params());
        assertEquals(macs, cost.macs());
    }

    @Test
    void resnet20AtHalfWidthCountsWhatTheFormulaSays() {
        ModelSpec spec = ModelSpec.cifar(Architecture.RESNET20, 10).withWidth(0.5);
        // Stem 3->8; stage widths 8, 16, 32 at sides 32, 16, 8; projections 8->16 and 16->32.
        long params = 9L * 3 * 8 + 16;
        long macs = 9L * 3 * 8 * 1024;
        int[] widths = {8, 16, 32};
        int[] sides = {32, 16, 8};
        int in = 8;
        for (int s = 0; s < 3; s++) {
            int c = widths[s];
            long area = (long) sides[s] * sides[s];
            long convs = 9L * in * c + 9L * c * c + 4 * (9L * c * c);
            long projection = s > 0 ? (long) in * c : 0;
            params += convs + projection + 6 * 2L * c + (s > 0 ? 2L * c : 0);
            macs += (convs + projection) * area;
            in = c;
        }
        params += 32L * 10 + 10;
        macs += 32L * 10;
        ModelCost cost = CostCounter.count(Models.configuration(spec), Models.inputType(spec));
        assertEquals(params, cost.params());
        assertEquals(macs, cost.macs());
    }

    @Test
    void scaledWidthsRoundAndNeverReachZero() {
        ModelSpec spec = ModelSpec.cifar(Architecture.DENSENET_40_12, 10).withWidth(0.01);
        assertEquals(1, spec.scaled(12));
        assertEquals(3, spec.withWidth(0.25).scaled(12));
        ComputationGraph graph = Models.build(spec);
        assertArrayEquals(new long[] {1, 10}, graph.outputSingle(Nd4j.rand(1, 3, 32, 32)).shape());
    }

    @Test
    void rejectsBadSpecsWithTheValueInTheMessage() {
        var vgg = ModelSpec.cifar(Architecture.VGG16, 10);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> vgg.withWidth(-1))
                .getMessage().contains("-1"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new ModelSpec(Architecture.VGG16, 10, 1, 28, 28, 1, 1)).getMessage().contains("28x28"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Architecture.fromId("vgg19"))
                .getMessage().contains("vgg19"));
    }
}

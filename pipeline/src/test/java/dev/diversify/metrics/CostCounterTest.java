package dev.diversify.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diversify.layers.LayerCost;
import dev.diversify.layers.UnsupportedLayerException;
import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

class CostCounterTest {

    @Test
    void countsABiasedStridedConvolutionAndAFlattenedDenseInput() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .convolutionMode(ConvolutionMode.Truncate)
                .graphBuilder()
                .addInputs("in")
                .setInputTypes(InputType.convolutional(9, 9, 2))
                .addLayer("conv", new ConvolutionLayer.Builder(3, 3).stride(2, 2).nOut(4).build(), "in")
                .addLayer("out", new OutputLayer.Builder(LossFunction.MCXENT).nOut(5)
                        .activation(Activation.SOFTMAX).build(), "conv")
                .setOutputs("out")
                .build();
        ModelCost cost = CostCounter.count(conf, InputType.convolutional(9, 9, 2));
        // conv: 2*4*3*3 weights + 4 biases, 4x4 output map; out: a 4x4x4 map flattened to 64 inputs.
        assertEquals(List.of(
                new LayerCost("conv", "conv", 2, 4, 72 + 4, 0, 72 * 16),
                new LayerCost("out", "output", 64, 5, 64 * 5 + 5, 0, 64 * 5)), cost.layers());
        assertEquals(76 + 325, cost.params());
        assertEquals(2 * (72 * 16 + 320), cost.flops());
    }

    @Test
    void refusesLayerTypesItCannotCountNamingTheLayer() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .graphBuilder()
                .addInputs("in")
                .setInputTypes(InputType.convolutional(8, 8, 2))
                .addLayer("upsample", new Deconvolution2D.Builder(2, 2).nOut(3).build(), "in")
                .addLayer("out", new OutputLayer.Builder(LossFunction.MCXENT).nOut(2)
                        .activation(Activation.SOFTMAX).build(), "upsample")
                .setOutputs("out")
                .build();
        var error = assertThrows(UnsupportedLayerException.class,
                () -> CostCounter.count(conf, InputType.convolutional(8, 8, 2)));
        assertTrue(error.getMessage().contains("'upsample'") && error.getMessage().contains("Deconvolution2D"),
                error.getMessage());
    }

    @Test
    void reductionIsAPercentOfTheOriginal() {
        assertEquals(75.0, ModelCost.reductionPercent(400, 100), 1e-12);
        assertEquals(0.0, ModelCost.reductionPercent(0, 0), 1e-12);
    }
}

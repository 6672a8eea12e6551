package dev.diversify.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diversify.graph.ChannelGraph.Segment;
import dev.diversify.models.Architecture;
import dev.diversify.models.ModelSpec;
import dev.diversify.models.Models;
import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

class ChannelGraphTest {
    private static ChannelGraph of(Architecture architecture) {
        ModelSpec spec = ModelSpec.cifar(architecture, 10);
        return ChannelGraph.of(Models.configuration(spec), Models.inputType(spec));
    }

    @Test
    void vggHasOneGroupPerConvolution() {
        List<PruningGroup> groups = of(Architecture.VGG16).groups(ResidualPolicy.COUPLED);
        assertEquals(13, groups.size());
        assertEquals(new PruningGroup("block1_conv1", List.of("block1_conv1"), 64), groups.get(0));
        assertEquals(new PruningGroup("block5_conv3", List.of("block5_conv3"), 512), groups.get(12));
    }

    @Test
    void resnetResidualStreamsAreCoupledGroups() {
        ChannelGraph graph = of(Architecture.RESNET20);
        List<PruningGroup> coupled = graph.groups(ResidualPolicy.COUPLED);
        assertEquals(9 + 3, coupled.size(), "nine internal convolutions and one stream per stage");
        PruningGroup stage1 = coupled.stream().filter(g -> g.name().equals("stem_conv")).findFirst().orElseThrow();
        assertEquals(List.of("stem_conv", "stage1_block1_conv2", "stage1_block2_conv2", "stage1_block3_conv2"),
                stage1.members());
        PruningGroup stage3 = coupled.stream().filter(g -> g.members().contains("stage3_block3_conv2"))
                .findFirst().orElseThrow();
        assertEquals(List.of("stage3_block1_conv2", "stage3_block1_shortcut_conv", "stage3_block2_conv2",
                "stage3_block3_conv2"), stage3.members());
        assertEquals(64, stage3.channels());

        List<PruningGroup> internal = graph.groups(ResidualPolicy.INTERNAL);
        assertEquals(9, internal.size());
        assertTrue(internal.stream().allMatch(g -> g.name().endsWith("_conv1") && !g.coupled()));
    }

    @Test
    void denseNetConcatenationsKeepEveryLayersChannelsAtTheirOffset() {
        ChannelGraph graph = of(Architecture.DENSENET_40_12);
        assertEquals(1 + 36 + 2, graph.groups(ResidualPolicy.COUPLED).size(), "stem, 36 layers, 2 transitions");
        List<Segment> beforeLayer3 = graph.inputChannels("block1_layer3_bn");
        assertEquals(List.of(16, 12, 12), beforeLayer3.stream().map(Segment::count).toList());
        assertEquals(graph.spaceOf("stem_conv"), beforeLayer3.get(0).space());
        assertEquals(graph.spaceOf("block1_layer2_conv"), beforeLayer3.get(2).space());
        List<Segment> head = graph.inputChannels("head_bn");
        assertEquals(13, head.size(), "transition 2 then twelve layers of block 3");
        assertEquals(graph.spaceOf("transition2_conv"), head.get(0).space());
        assertEquals(List.of(448), List.of(head.stream().mapToInt(Segment::count).sum()));
    }

    @Test
    void refusesLayersItCannotFollow() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().graphBuilder()
                .addInputs("in").setInputTypes(InputType.convolutional(8, 8, 2))
                .addLayer("up", new Deconvolution2D.Builder(2, 2).nOut(3).build(), "in")
                .addLayer("out", new OutputLayer.Builder(LossFunction.MCXENT).nOut(2).activation(Activation.SOFTMAX)
                        .build(), "up")
                .setOutputs("out").build();
        var error = assertThrows(dev.diversify.layers.UnsupportedLayerException.class,
                () -> ChannelGraph.of(conf, InputType.convolutional(8, 8, 2)));
        assertTrue(error.getMessage().contains("'up'") && error.getMessage().contains("Deconvolution2D"));
    }
}

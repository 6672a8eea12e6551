package dev.diversify.models;

/**
 * VGG16 (Simonyan & Zisserman 2015, "Very Deep Convolutional Networks for Large-Scale Image Recognition")
 * for CIFAR: thirteen 3x3 conv + BN + ReLU layers in five blocks, each block closed by 2x2
 * max pooling, then one 512-wide dense layer and the classifier (the variant of "Pruning Filters
 * for Efficient ConvNets", 14,986,698 parameters for 10 classes).
 */
final class Vgg16 {
    private static final int[][] BLOCK_WIDTHS = {
        {64, 64}, {128, 128}, {256, 256, 256}, {512, 512, 512}, {512, 512, 512}
    };
    private static final int DENSE_WIDTH = 512;

    private Vgg16() {
    }

    static void define(GraphBlocks g, String input, ModelSpec spec) {
        String x = input;
        for (int b = 0; b < BLOCK_WIDTHS.length; b++) {
            String block = "block" + (b + 1);
            for (int l = 0; l < BLOCK_WIDTHS[b].length; l++) {
                String layer = block + "_";
                int n = l + 1;
                x = g.conv(layer + "conv" + n, x, spec.scaled(BLOCK_WIDTHS[b][l]), 3, 1);
                x = g.batchNorm(layer + "bn" + n, x);
                x = g.relu(layer + "relu" + n, x);
            }
            x = g.maxPool(block + "_pool", x);
        }
        x = g.denseRelu("fc1", x, spec.scaled(DENSE_WIDTH));
        g.classifier("output", x, spec.numClasses());
    }
}

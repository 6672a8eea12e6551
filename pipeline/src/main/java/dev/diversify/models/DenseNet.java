package dev.diversify.models;

/**
 * DenseNet for CIFAR (Huang et al. 2017) with depth 40 and growth rate 12: a 3x3 stem, three dense
 * blocks separated by transitions (BN-ReLU-1x1 conv, 2x2 average pooling), then BN-ReLU, global
 * average pooling and the classifier. Every layer's new feature maps are concatenated to its input.
 * <ul>
 *   <li>DenseNet-40-12: 16-channel stem, 12 layers per block of BN-ReLU-conv3x3, transitions keep
 *       the channel count.</li>
 *   <li>DenseNet-BC-40-12: 24-channel stem, 6 layers per block of BN-ReLU-conv1x1 (4 x growth)
 *       then BN-ReLU-conv3x3, transitions halve the channel count.</li>
 * </ul>
 */
final class DenseNet {
    private static final int BLOCKS = 3;
    private static final int GROWTH = 12;

    private DenseNet() {
    }

    static void defineStandard(GraphBlocks g, String input, ModelSpec spec) {
        define(g, input, spec, false);
    }

    static void defineBottleneckCompressed(GraphBlocks g, String input, ModelSpec spec) {
        define(g, input, spec, true);
    }

    private static void define(GraphBlocks g, String input, ModelSpec spec, boolean bottleneckCompressed) {
        int growth = spec.scaled(GROWTH);
        int layersPerBlock = bottleneckCompressed ? 6 : 12;
        int channels = spec.scaled(bottleneckCompressed ? 2 * GROWTH : 16);
        String x = g.conv("stem_conv", input, channels, 3, 1);
        for (int b = 1; b <= BLOCKS; b++) {
            for (int l = 1; l <= layersPerBlock; l++) {
                String name = "block" + b + "_layer" + l;
                String fresh = bottleneckCompressed
                        ? bottleneckLayer(g, name, x, spec.scaled(4 * GROWTH), growth)
                        : bnReluConv(g, name, x, growth, 3);
                x = g.concat(name + "_concat", x, fresh);
                channels += growth;
            }
            if (b < BLOCKS) {
                channels = bottleneckCompressed ? Math.max(1, channels / 2) : channels;
                String name = "transition" + b;
                x = g.avgPool(name + "_pool", bnReluConv(g, name, x, channels, 1));
            }
        }
        x = g.relu("head_relu", g.batchNorm("head_bn", x));
        x = g.globalAvgPool("gap", x);
        g.classifier("output", x, spec.numClasses());
    }

    private static String bottleneckLayer(GraphBlocks g, String name, String input, int bottleneck, int growth) {
        String x = g.conv(name + "_conv1", g.relu(name + "_relu1", g.batchNorm(name + "_bn1", input)), bottleneck, 1, 1);
        return g.conv(name + "_conv2", g.relu(name + "_relu2", g.batchNorm(name + "_bn2", x)), growth, 3, 1);
    }

    private static String bnReluConv(GraphBlocks g, String name, String input, int nOut, int kernel) {
        return g.conv(name + "_conv", g.relu(name + "_relu", g.batchNorm(name + "_bn", input)), nOut, kernel, 1);
    }
}

package dev.diversify.models;

/**
 * ResNet for CIFAR (He et al. 2016, section 4.2): a 3x3 stem of 16 channels, three stages of
 * {@code blocksPerStage} basic blocks with 16, 32 and 64 channels, global average pooling and the
 * classifier. Stages 2 and 3 start with stride 2 and a 1x1 conv + BN projection shortcut
 * (ResNet20: 3 blocks per stage, ResNet56: 9).
 */
final class ResNet {
    private static final int[] STAGE_WIDTHS = {16, 32, 64};

    private ResNet() {
    }

    static void define(GraphBlocks g, String input, ModelSpec spec, int blocksPerStage) {
        String x = g.conv("stem_conv", input, spec.scaled(STAGE_WIDTHS[0]), 3, 1);
        x = g.batchNorm("stem_bn", x);
        x = g.relu("stem_relu", x);
        for (int s = 0; s < STAGE_WIDTHS.length; s++) {
            for (int b = 0; b < blocksPerStage; b++) {
                boolean downsample = s > 0 && b == 0;
                String name = "stage" + (s + 1) + "_block" + (b + 1);
                x = basicBlock(g, name, x, spec.scaled(STAGE_WIDTHS[s]), downsample);
            }
        }
        x = g.globalAvgPool("gap", x);
        g.classifier("output", x, spec.numClasses());
    }

    /** conv-BN-ReLU, conv-BN, plus the shortcut, then ReLU. */
    private static String basicBlock(GraphBlocks g, String name, String input, int channels, boolean downsample) {
        int stride = downsample ? 2 : 1;
        String x = g.conv(name + "_conv1", input, channels, 3, stride);
        x = g.batchNorm(name + "_bn1", x);
        x = g.relu(name + "_relu1", x);
        x = g.conv(name + "_conv2", x, channels, 3, 1);
        x = g.batchNorm(name + "_bn2", x);
        String shortcut = input;
        if (downsample) {
            shortcut = g.conv(name + "_shortcut_conv", input, channels, 1, stride);
            shortcut = g.batchNorm(name + "_shortcut_bn", shortcut);
        }
        String sum = g.add(name + "_add", x, shortcut);
        return g.relu(name + "_relu", sum);
    }
}

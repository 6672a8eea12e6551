package dev.diversify.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.internal.chartpart.Chart;

/**
 * Renders XChart charts as PNG images embedded in the page (data URIs), so a report needs no files
 * and no network. PNG rather than SVG: XChart's SVG runs to ~350 KB a chart, its PNG to ~50 KB.
 */
final class Charts {
    static final int WIDTH = 720;
    static final int HEIGHT = 380;

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private Charts() {
    }

    /**
     * {@code chart} drawn as a PNG image, {@link #WIDTH} x {@link #HEIGHT} pixels.
     *
     * @throws UncheckedIOException when the image cannot be encoded
     */
    static byte[] png(Chart<?, ?> chart) {
        try {
            return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A page element showing {@code png} (from {@link #png}) under the alternative text {@code title}. */
    static String embedded(byte[] png, String title) {
        return "<div class=\"plot\"><img alt=\"" + title.replace("\"", "'") + "\" width=\"" + WIDTH
                + "\" height=\"" + HEIGHT + "\" src=\"data:image/png;base64,"
                + Base64.getEncoder().encodeToString(png) + "\"></div>";
    }
}

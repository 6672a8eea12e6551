package dev.diversify.report;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.internal.chartpart.Chart;

/** Renders XChart charts as inline SVG, so a report page needs no files and no network. */
final class Charts {
    static final int WIDTH = 720;
    static final int HEIGHT = 380;

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private Charts() {
    }

    static String svg(Chart<?, ?> chart) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            VectorGraphicsEncoder.saveVectorGraphic(chart, out, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String svg = out.toString(StandardCharsets.UTF_8);
        int start = svg.indexOf("<svg");
        return "<div class=\"plot\">" + svg.substring(Math.max(0, start)) + "</div>";
    }
}

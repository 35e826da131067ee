package dev.prescale.job.eval;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import javax.imageio.ImageIO;

/** The main plot as a PNG (headless java.awt): demand, capacities, warm pool, forecast band, confidence. */
final class PlotImage {
    private static final int W = 1400;
    private static final int H = 620;
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 40;
    private static final int MAIN_H = 400;
    private static final int CONF_TOP = 480;
    private static final int CONF_H = 100;
    static final Color[] CAPACITY_COLORS = {new Color(0xD62728), new Color(0x2CA02C), new Color(0x9467BD)};

    private PlotImage() {}

    static void write(TraceEvaluation e, Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        PlotSeries p = new PlotSeries(e, 2);
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        g.setColor(Color.BLACK);
        g.drawString(e.trace.name() + ": last 2 days (demand, in-service capacity S x C, warm pool, forecast band p10-p90)", LEFT, 22);
        int m = p.size();
        if (m < 2) {
            g.dispose();
            ImageIO.write(img, "png", file.toFile());
            return;
        }
        double maxY = p.maxY();
        g.setColor(new Color(0xDDDDDD));
        g.drawRect(LEFT, TOP, W - LEFT - RIGHT, MAIN_H);
        g.drawRect(LEFT, CONF_TOP, W - LEFT - RIGHT, CONF_H);
        g.setColor(Color.DARK_GRAY);
        g.drawString(String.format("%.4g", maxY), 5, TOP + 10);
        g.drawString("0", 5, TOP + MAIN_H);
        g.drawString("confidence", 5, CONF_TOP + 12);
        g.drawString("1", LEFT - 15, CONF_TOP + 10);
        g.drawString("0", LEFT - 15, CONF_TOP + CONF_H);
        g.drawString(ReportWriter.UTC.format(Instant.ofEpochMilli(p.times[0])), LEFT, TOP + MAIN_H + 18);
        String end = ReportWriter.UTC.format(Instant.ofEpochMilli(p.times[m - 1]));
        g.drawString(end, W - RIGHT - g.getFontMetrics().stringWidth(end), TOP + MAIN_H + 18);
        // forecast band
        Path2D band = new Path2D.Double();
        boolean started = false;
        for (int i = 0; i < m; i++) {
            if (Double.isFinite(p.p90[i])) {
                double x = x(i, m);
                double y = y(p.p90[i], maxY);
                if (!started) {
                    band.moveTo(x, y);
                    started = true;
                } else {
                    band.lineTo(x, y);
                }
            }
        }
        for (int i = m - 1; i >= 0 && started; i--) {
            if (Double.isFinite(p.p10[i])) {
                band.lineTo(x(i, m), y(p.p10[i], maxY));
            }
        }
        if (started) {
            band.closePath();
            g.setColor(new Color(31, 119, 180, 50));
            g.fill(band);
        }
        line(g, p.demand, m, maxY, new Color(0x1F77B4), 1.3f, false);
        line(g, p.withWarm, m, maxY, new Color(0xFF7F0E), 1.0f, true);
        for (int k = p.capacity.size() - 1; k >= 0; k--) {
            line(g, p.capacity.get(k), m, maxY, CAPACITY_COLORS[k % CAPACITY_COLORS.length], k == 0 ? 1.8f : 1.0f, false);
        }
        // confidence panel
        g.setColor(new Color(0x555555));
        Path2D conf = new Path2D.Double();
        started = false;
        for (int i = 0; i < m; i++) {
            if (Double.isFinite(p.confidence[i])) {
                double x = x(i, m);
                double y = CONF_TOP + CONF_H - p.confidence[i] * CONF_H;
                if (!started) {
                    conf.moveTo(x, y);
                    started = true;
                } else {
                    conf.lineTo(x, y);
                }
            }
        }
        g.draw(conf);
        // legend
        int lx = LEFT + 10;
        int ly = TOP + MAIN_H + 40;
        lx = legend(g, lx, ly, new Color(0x1F77B4), "demand");
        for (int k = 0; k < p.names.size(); k++) {
            lx = legend(g, lx, ly, CAPACITY_COLORS[k % CAPACITY_COLORS.length], p.names.get(k) + " S x C");
        }
        lx = legend(g, lx, ly, new Color(0xFF7F0E), "(S + ready warm pool) x C");
        legend(g, lx, ly, new Color(31, 119, 180, 90), "forecast p10-p90 (1 step ahead)");
        g.dispose();
        ImageIO.write(img, "png", file.toFile());
    }

    private static int legend(Graphics2D g, int x, int y, Color c, String text) {
        g.setColor(c);
        g.fillRect(x, y - 9, 18, 8);
        g.setColor(Color.BLACK);
        g.drawString(text, x + 22, y);
        return x + 40 + g.getFontMetrics().stringWidth(text);
    }

    private static void line(Graphics2D g, double[] s, int m, double maxY, Color c, float width, boolean dashed) {
        g.setColor(c);
        g.setStroke(dashed ? new BasicStroke(width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {4f, 3f}, 0f)
                : new BasicStroke(width));
        Path2D path = new Path2D.Double();
        boolean started = false;
        for (int i = 0; i < m; i++) {
            if (!Double.isFinite(s[i])) {
                continue;
            }
            if (!started) {
                path.moveTo(x(i, m), y(s[i], maxY));
                started = true;
            } else {
                path.lineTo(x(i, m), y(s[i], maxY));
            }
        }
        g.draw(path);
        g.setStroke(new BasicStroke(1f));
    }

    private static double x(int i, int m) {
        return LEFT + (double) i / Math.max(1, m - 1) * (W - LEFT - RIGHT);
    }

    private static double y(double v, double maxY) {
        return TOP + MAIN_H - Math.max(0, v) / maxY * MAIN_H;
    }
}

package io.asynccatalog.bench;

import io.vertx.core.json.JsonObject;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.FileReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Draws the benchmark chart (PNG, headless Java2D), for each mode: the sustained rate (products stored per second
 * under an open-model load the pipeline keeps up with) against the local servers' ceiling, the service's CPU per
 * product end to end, and POST and accept-to-stored p99 at the sustained rate. Bars are on a log scale: bulk requests
 * are an order of magnitude apart from single ones. Usage: Chart results.json out.png (or an older run's
 * results.properties).
 */
public final class Chart {
  private static final String[] MODES = {"per_product", "batched", "naive", "packed", "packed_batched", "bulk",
      "bulk_batched", "postgres_packed", "postgres_packed_batched", "postgres_bulk", "postgres_bulk_batched"};
  private static final String[] LABELS = {"1 per message, per-product", "1 per message, batched", "naive",
      "single POSTs packed, per-product", "single POSTs packed, batched", "bulk of 100, per-product",
      "bulk of 100, batched", "PostgreSQL: single packed, per-product", "PostgreSQL: single packed, batched",
      "PostgreSQL: bulk of 100, per-product", "PostgreSQL: bulk of 100, batched"};
  private static final Color[] COLORS = {new Color(0x85C1E9), new Color(0x82E0AA), new Color(0xAAB7B8),
      new Color(0x2E86C1), new Color(0x28B463), new Color(0x1B4F72), new Color(0x186A3B), new Color(0xF0B27A),
      new Color(0xE59866), new Color(0xBA4A00), new Color(0x873600)};

  private Chart() {}

  public static void main(String[] args) throws Exception {
    if (args[0].endsWith(".json")) {
      draw(new JsonObject(Files.readString(Path.of(args[0]))), Path.of(args[1]));
      return;
    }
    Properties results = new Properties();
    try (FileReader in = new FileReader(args[0])) {
      results.load(in);
    }
    draw(results, Path.of(args[1]));
  }

  /** The chart of a run's JSON results. */
  static void draw(JsonObject json, Path out) throws java.io.IOException {
    Properties results = new Properties();
    results.setProperty("date", json.getString("date"));
    results.setProperty("cores", String.valueOf(json.getValue("cores")));
    JsonObject modes = json.getJsonObject("modes", new JsonObject());
    for (String mode : modes.fieldNames()) {
      JsonObject m = modes.getJsonObject(mode);
      JsonObject sustained = m.getJsonObject("sustained", new JsonObject());
      // the chart's keys: per_product_…, batched_… (the mode "batched-reports")
      String key = mode.replaceAll("-reports$", "").replace('-', '_');
      put(results, key + "_rate", m.getValue("rate"));
      put(results, key + "_cpu_us", m.getValue("cpuUs"));
      put(results, key + "_ceiling", m.getValue("ceiling"));
      put(results, key + "_sustained_rate", sustained.getValue("rate"));
      put(results, key + "_sustained_cpu_us", sustained.getValue("cpuUs"));
      put(results, key + "_sustained_post_p99_ms", p99(sustained.getString("postMs")));
      put(results, key + "_sustained_lag_p99_ms", p99(sustained.getString("lagMs")));
    }
    draw(results, out);
  }

  private static void put(Properties results, String key, Object value) {
    if (value != null) {
      results.setProperty(key, value.toString());
    }
  }

  /** The p99 of a "p50/p99" figure. */
  private static String p99(String both) {
    return both == null || !both.contains("/") ? null : both.substring(both.indexOf('/') + 1);
  }

  private static void draw(Properties results, Path out) throws java.io.IOException {
    System.setProperty("java.awt.headless", "true");
    int width = 1600;
    int height = 500;
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, height);
    g.setColor(Color.DARK_GRAY);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    g.drawString("AsyncCatalog end to end, " + results.getProperty("date") + ", " + results.getProperty("cores")
        + " cores shared by the load tool, the service and the local AWS-compatible servers", 20, 28);
    // the modes this run measured, in this order
    int[] shown = java.util.stream.IntStream.range(0, MODES.length)
        .filter(i -> !results.getProperty(MODES[i] + "_rate", "").isBlank()).toArray();
    panel(g, results, shown, "_sustained_rate", "_ceiling", "stored / s, sustained (dashed: local ceiling; log)", 20);
    panel(g, results, shown, "_cpu_us", null, "service CPU µs / product, end to end", 420);
    panel(g, results, shown, "_sustained_post_p99_ms", null, "POST p99 ms at the sustained rate", 820);
    panel(g, results, shown, "_sustained_lag_p99_ms", null, "accept→stored p99 ms at the sustained rate", 1220);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
    for (int n = 0; n < shown.length; n++) {
      int i = shown[n];
      int x = 20 + (n % 4) * 390;
      int y = 430 + (n / 4) * 26;
      g.setColor(COLORS[i]);
      g.fillRect(x, y, 16, 16);
      g.setColor(Color.DARK_GRAY);
      g.drawString(LABELS[i], x + 22, y + 13);
    }
    g.dispose();
    Files.createDirectories(out.toAbsolutePath().getParent());
    ImageIO.write(image, "png", out.toFile());
  }

  /** One bar per mode; with a ceiling suffix, each bar also gets a dashed outline at that figure (0 if absent). */
  private static void panel(Graphics2D g, Properties results, int[] shown, String suffix, String ceilingSuffix,
                            String title, int left) {
    double[] values = new double[MODES.length];
    double[] ceilings = new double[MODES.length];
    double max = 1;
    for (int i : shown) {
      values[i] = number(results.getProperty(MODES[i] + suffix));
      if (ceilingSuffix != null) {
        ceilings[i] = number(results.getProperty(MODES[i] + ceilingSuffix));
      }
      max = Math.max(max, Math.max(values[i], ceilings[i]));
    }
    int top = 95;
    int plotHeight = 290;
    int slot = Math.min(50, 350 / Math.max(1, shown.length));
    int barWidth = slot - 8;
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
    g.setColor(Color.DARK_GRAY);
    g.drawString(title, left, top - 30);
    g.setStroke(new BasicStroke(1));
    g.drawLine(left, top + plotHeight, left + 360, top + plotHeight);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, shown.length > 7 ? 11 : 13));
    for (int n = 0; n < shown.length; n++) {
      int i = shown[n];
      int barHeight = height(plotHeight, values[i], max);
      int x = left + 10 + n * slot;
      g.setColor(COLORS[i]);
      g.fillRect(x, top + plotHeight - barHeight, barWidth, barHeight);
      g.setColor(Color.DARK_GRAY);
      String label = values[i] >= 100 ? String.format("%.0f", values[i]) : String.format("%.1f", values[i]);
      g.drawString(label, x + 2, top + plotHeight - barHeight - 6);
      if (ceilings[i] > 0) {
        int ceilingHeight = height(plotHeight, ceilings[i], max);
        g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {5, 4}, 0));
        g.drawRect(x, top + plotHeight - ceilingHeight, barWidth, ceilingHeight);
        g.setStroke(new BasicStroke(1));
        if (ceilingHeight - barHeight > 22) {
          g.drawString(String.format("%.0f", ceilings[i]), x + 2, top + plotHeight - ceilingHeight - 6);
        }
      }
    }
  }

  /** A figure of the results, 0 when absent or not a number ("-" where a mode had no backlog, say). */
  private static double number(String value) {
    try {
      return value == null || value.isBlank() ? 0 : Double.parseDouble(value.trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** A bar's height on a log scale from 1 to {@code max}. */
  private static int height(int plotHeight, double value, double max) {
    return value <= 1 ? 0 : (int) (plotHeight * Math.log10(value) / Math.log10(Math.max(10, max)));
  }
}

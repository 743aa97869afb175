package io.peerwatt.benchmarks.protocol;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Bouncy Castle against libsecp256k1 in one run: {@link EcdsaBenchmark} with both implementations
 * at 1 thread, then at 2, and a Markdown table of the mean scores, the slowest and fastest
 * iteration, the ratio of the means, and the load average before and after each half (the machine
 * is shared). Run: {@code java -cp benchmarks/target/benchmarks.jar
 * io.peerwatt.benchmarks.protocol.EcdsaComparison [JMH options, e.g. -p keys=1 -wi 1 -i 3]}.
 */
public final class EcdsaComparison {
  private EcdsaComparison() {}

  public static void main(String[] args)
      throws RunnerException, CommandLineOptionException, IOException {
    CommandLineOptions jmhOptions = new CommandLineOptions(args);
    Map<String, Result<?>> scores = new LinkedHashMap<>();
    List<String> loads = new ArrayList<>();
    for (int threads : new int[] {1, 2}) {
      String before = loadAverage();
      Collection<RunResult> results =
          new Runner(
                  new OptionsBuilder()
                      .parent(jmhOptions)
                      .include(EcdsaBenchmark.class.getName() + "\\.")
                      .threads(threads)
                      .build())
              .run();
      loads.add(
          threads
              + " thread"
              + (threads == 1 ? "" : "s")
              + ": load "
              + before
              + " before, "
              + loadAverage()
              + " after");
      for (RunResult r : results) {
        String method = r.getParams().getBenchmark();
        String op = method.substring(method.lastIndexOf('.') + 1);
        scores.put(
            op + "/" + threads + "/" + r.getParams().getParam("implementation"),
            r.getPrimaryResult());
      }
    }
    System.out.println();
    System.out.println(
        "| operation | threads | libsecp256k1, ops/s (iterations) | Bouncy Castle, ops/s (iterations) | ratio |");
    System.out.println("| --- | --- | --- | --- | --- |");
    for (String op : new String[] {"sign", "verify", "verifyParsedKey"}) {
      for (int threads : new int[] {1, 2}) {
        Result<?> nat = scores.get(op + "/" + threads + "/native");
        Result<?> bc = scores.get(op + "/" + threads + "/bouncycastle");
        if (nat == null || bc == null) {
          continue;
        }
        System.out.printf(
            "| `%s` | %d | %s | %s | %.1f |%n",
            op, threads, format(nat), format(bc), nat.getScore() / bc.getScore());
      }
    }
    System.out.println();
    loads.forEach(System.out::println);
  }

  /**
   * The mean, and the slowest and fastest iteration (on a shared machine the spread says more than
   * the error).
   */
  private static String format(Result<?> r) {
    return String.format(
        "%,.0f (%,.0f to %,.0f)",
        r.getScore(), r.getStatistics().getMin(), r.getStatistics().getMax());
  }

  /** The 1-, 5- and 15-minute load averages. */
  private static String loadAverage() throws IOException {
    String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
    return fields[0] + " / " + fields[1] + " / " + fields[2];
  }
}

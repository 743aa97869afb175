package io.peerwatt.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;

/**
 * axe-core (Deque's accessibility engine, 4.11.1, the {@code axe.min.js} their Java integration
 * carries) run inside the page under test: the WCAG 2.1 A and AA rules and axe's best practices.
 */
public final class Axe {
  private static final String SOURCE = load();

  private Axe() {}

  private static String load() {
    try (InputStream in = Axe.class.getClassLoader().getResourceAsStream("axe.min.js")) {
      if (in == null) {
        throw new IllegalStateException("axe.min.js is not on the test class path");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One rule broken on the page: its id, impact, help text and the first elements breaking it. */
  public record Violation(String id, String impact, String help, List<String> targets) {
    @Override
    public String toString() {
      return impact + " " + id + " (" + help + "): " + targets;
    }
  }

  /** Every violation of the current page, with its impact. */
  @SuppressWarnings("unchecked")
  public static List<Violation> violations(WebDriver driver) {
    JavascriptExecutor js = (JavascriptExecutor) driver;
    js.executeScript(SOURCE);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(60));
    Map<String, Object> result =
        (Map<String, Object>)
            js.executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                    + "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa',"
                    + " 'wcag21a', 'wcag21aa', 'best-practice']}, resultTypes: ['violations']})"
                    + ".then(r => done({violations: r.violations.map(v => ({id: v.id, impact:"
                    + " v.impact, help: v.help, targets: v.nodes.slice(0, 5).map(n =>"
                    + " String(n.target))}))}))"
                    + ".catch(e => done({error: String(e)}));");
    if (result.get("error") != null) {
      throw new IllegalStateException("axe failed: " + result.get("error"));
    }
    return ((List<Map<String, Object>>) result.get("violations"))
        .stream()
            .map(
                v ->
                    new Violation(
                        (String) v.get("id"),
                        String.valueOf(v.get("impact")),
                        (String) v.get("help"),
                        (List<String>) v.get("targets")))
            .toList();
  }

  /** The serious and critical violations: what the portal must not have. */
  public static List<Violation> seriousOrCritical(WebDriver driver) {
    return violations(driver).stream()
        .filter(v -> v.impact().equals("serious") || v.impact().equals("critical"))
        .toList();
  }
}

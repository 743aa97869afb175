package io.peerwatt.deploy;

import static io.peerwatt.trading.testing.ApiClient.ok;
import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.protocol.testing.MutableClock;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Flexibility in the portal, in a real browser against a running platform (real PostgreSQL, real
 * HTTP): the zone's utility creates an event on its page, the household sets up its battery and
 * accepts the request on its page, and both pages show the acceptance; axe-core finds no violation
 * on either page.
 */
class FlexibilityPortalBrowserTest {
  private static final String ZONE = "NL-FLEX";
  private static final ZoneId AMSTERDAM = ZoneId.of("Europe/Amsterdam");

  @TempDir Path dir;

  @Test
  void theUtilityAsksTheHouseholdAcceptsAndBothPagesShowIt() throws Exception {
    Path dataDir = Files.createDirectories(dir.resolve("platform"));
    PlatformHarness.createOperatorByCommand(dataDir);
    Instant now = Instant.now().truncatedTo(ChronoUnit.HOURS);
    MutableClock clock = new MutableClock(now);
    // two slots, two hours ahead, as the zone's clock reads them
    Instant start = now.plus(Duration.ofHours(2));
    String localStart = start.atZone(AMSTERDAM).toLocalDateTime().toString();
    try (PlatformHarness h = PlatformHarness.start(PlatformHarness.settings(dataDir), clock)) {
      PlatformHarness.Gateway anna = h.annasEnrolledGateway(ZONE);
      long deviceId = anna.enrolment().getLong("deviceId");
      String ops = h.api.login("ops", PlatformHarness.OPS_PASSWORD);
      ok(
          h.api.post(
              "/accounts",
              ops,
              new JsonObject()
                  .put("username", "dso")
                  .put("password", "dso-password-1")
                  .put("role", "utility")
                  .put("zone", ZONE)));
      WebDriver browser = Browser.open(dir.resolve("profile"), 1280, 1000);
      try {
        String base = h.platform.baseUrl();

        // the utility: a form left incomplete says what is missing, field by field
        login(browser, base, "dso", "dso-password-1");
        browser.get(base + "/utility/flexibility");
        assertThat(browser.findElement(By.tagName("h1")).getText())
            .isEqualTo("Flexibility · zone " + ZONE);
        noViolations(browser, "utility flexibility");
        setValue(browser, By.id("start"), localStart);
        browser.findElement(By.id("slots")).clear();
        browser.findElement(By.id("slots")).sendKeys("2");
        browser.findElement(By.id("limitKw")).sendKeys("4 3.5 1");
        submit(browser, "#event-form");
        assertThat(browser.findElement(By.id("error-limitKw")).getText())
            .isEqualTo("Enter one limit for every slot, or one per slot: 3 limits for 2 slots.");
        assertThat(browser.findElement(By.id("error-priceEur")).getText())
            .startsWith("Enter the price in euros per kWh");
        noViolations(browser, "utility flexibility, refused");

        browser.findElement(By.id("limitKw")).clear();
        browser.findElement(By.id("limitKw")).sendKeys("4 3.5");
        browser.findElement(By.id("priceEur")).sendKeys("0.25");
        new Select(browser.findElement(By.id("direction"))).selectByValue("REDUCE_IMPORT");
        submit(browser, "#event-form");
        WebElement event = browser.findElement(By.cssSelector(".flex-event"));
        assertThat(event.findElement(By.tagName("h3")).getText()).startsWith("Import less");
        assertThat(event.getText()).contains("25.000 ct/kWh", "0 home(s)");
        List<WebElement> rows = event.findElements(By.cssSelector("table.flex-slots tbody tr"));
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).getText()).contains("4.00 kW");
        assertThat(rows.get(1).getText()).contains("3.50 kW", "not yet");
        noViolations(browser, "utility flexibility, event");

        // the household: sets up its battery, then accepts the request (too much first)
        login(browser, base, "anna", "anna-password-1");
        browser.get(base + "/flex");
        assertThat(browser.findElement(By.cssSelector(".flex-request h3")).getText())
            .startsWith("Import less");
        assertThat(browser.getPageSource()).contains("Set up your battery or inverter below");
        browser.findElement(By.id("max-" + deviceId)).sendKeys("3000");
        submit(browser, "#device-form-" + deviceId);
        // 3000 W over two quarter-hours is 1.5 kWh, at 25 ct/kWh
        assertThat(browser.findElement(By.cssSelector(".flex-request")).getText())
            .contains("with your battery (3.00 kW): €0.37");
        browser.findElement(By.cssSelector(".flex-request input[name=watts]")).sendKeys("5000");
        submit(browser, ".flex-request form");
        assertThat(browser.findElement(By.cssSelector(".flex-request .error")).getText())
            .isEqualTo(
                "5000 W is more than the 3000 W your battery (device " + deviceId + ") can move");
        noViolations(browser, "household flexibility, refused");
        WebElement watts = browser.findElement(By.cssSelector(".flex-request input[name=watts]"));
        watts.clear();
        watts.sendKeys("1000");
        submit(browser, ".flex-request form");
        WebElement acceptance = browser.findElement(By.cssSelector(".flex-acceptance"));
        assertThat(acceptance.findElement(By.tagName("h3")).getText())
            .startsWith("Import less by 1.00 kW with gateway " + deviceId);
        assertThat(acceptance.findElements(By.cssSelector("tbody tr"))).hasSize(2);
        assertThat(browser.findElement(By.cssSelector(".flex-request")).getText())
            .contains("You accepted this request.");

        // and a standing rule for the next requests
        browser.findElement(By.id("min-price-" + deviceId)).sendKeys("20");
        browser.findElement(By.id("rule-watts-" + deviceId)).sendKeys("1500");
        submit(browser, "#rule-form-" + deviceId);
        assertThat(browser.findElement(By.id("rule-" + deviceId)).getText())
            .isEqualTo(
                "Accepts every request paying at least 20.000 ct/kWh, up to 1.50 kW, to import"
                    + " less.");
        noViolations(browser, "household flexibility");

        // the utility sees the acceptance on its event
        login(browser, base, "dso", "dso-password-1");
        browser.get(base + "/utility/flexibility");
        WebElement accepted = browser.findElement(By.cssSelector(".flex-event"));
        assertThat(accepted.getText()).contains("1 home(s)");
        assertThat(accepted.findElement(By.cssSelector("table.flex-slots tbody tr")).getText())
            .contains("1.00 kW");
        assertThat(accepted.findElements(By.cssSelector(".flex-event .chart canvas"))).isNotEmpty();
        noViolations(browser, "utility flexibility, accepted");
      } finally {
        browser.quit();
      }
    }
  }

  private static void login(WebDriver browser, String base, String user, String password) {
    browser.manage().deleteAllCookies();
    browser.get(base + "/login");
    browser.findElement(By.id("username")).sendKeys(user);
    browser.findElement(By.id("password")).sendKeys(password);
    submit(browser, "#login-form");
    new WebDriverWait(browser, Duration.ofSeconds(30))
        .until(d -> !d.findElements(By.cssSelector(".logout button")).isEmpty());
  }

  /**
   * Submits the form and waits for the page that answers it: the old page's root is gone once
   * touching it fails, as a stale element or as Chrome's "node does not belong to the document".
   */
  private static void submit(WebDriver browser, String form) {
    WebElement html = browser.findElement(By.tagName("html"));
    browser.findElement(By.cssSelector(form + " button[type=submit]")).click();
    new WebDriverWait(browser, Duration.ofSeconds(30))
        .until(
            d -> {
              try {
                html.isEnabled();
                return false;
              } catch (WebDriverException gone) {
                return true;
              }
            });
  }

  /** A date-time input's value as the browser's picker would set it (typing depends on locale). */
  private static void setValue(WebDriver browser, By field, String value) {
    ((JavascriptExecutor) browser)
        .executeScript("arguments[0].value = arguments[1]", browser.findElement(field), value);
  }

  /** axe-core on the page shown: no violation at all. */
  private static void noViolations(WebDriver browser, String page) {
    assertThat(Axe.violations(browser)).as("axe on " + page).isEmpty();
  }
}

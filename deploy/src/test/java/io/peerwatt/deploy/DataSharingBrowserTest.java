package io.peerwatt.deploy;

import static io.peerwatt.trading.testing.ApiClient.ok;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Issue 22's portal in a real browser against the real platform (PostgreSQL, Chromium): an operator
 * creates a third party's account, the third party registers an application in its console, the
 * operator approves it on the data applications page, the third party publishes an offer; the
 * household accepts it on "Share my data", sees the grant and revokes it, sets a standing policy
 * and removes it; the console shows the revoked grant. axe-core finds no violation on these pages
 * at any step.
 */
class DataSharingBrowserTest {
  private static final String ZONE = "DE-SHARE";

  @Test
  void aThirdPartyPublishesAnOfferThatAHouseholdAcceptsAndRevokes(@TempDir Path dir) {
    try (PlatformHarness h = PlatformHarness.start(dir.resolve("data"))) {
      String op = h.operator("operator", "operator-password");
      h.api.zone(op, ZONE, PlatformHarness.testStreetZone());
      long anna =
          ok(h.api.post(
                  "/accounts",
                  op,
                  new JsonObject()
                      .put("username", "anna")
                      .put("password", "anna-password-1")
                      .put("role", "prosumer")
                      .put("zone", ZONE)
                      .put("displayName", "Anna")))
              .getLong("id");
      ok(
          h.api.post(
              "/metering-points",
              op,
              new JsonObject()
                  .put("accountId", anna)
                  .put("label", "Anna's house")
                  .put("maxPowerW", 11_000)));
      WebDriver browser = Browser.open(dir.resolve("profile"), 1280, 1000);
      try {
        String base = h.platform.baseUrl();
        login(browser, base, "operator", "operator-password");
        browser.get(base + "/operator/accounts");
        browser.findElement(By.id("username")).sendKeys("institute");
        browser.findElement(By.id("password")).sendKeys("institute-password");
        new Select(browser.findElement(By.id("role"))).selectByValue("third_party");
        browser.findElement(By.cssSelector("#account-form button[type=submit]")).click();
        assertThat(browser.findElement(By.id("account-notice")).getText())
            .contains("Account institute created");

        login(browser, base, "institute", "institute-password");
        assertThat(browser.getCurrentUrl()).endsWith("/third-party");
        assertThat(browser.findElement(By.cssSelector("nav a[aria-current=page]")).getText())
            .isEqualTo("Data console");
        noViolations(browser, "empty data console");

        // a field left out is refused next to it, the rest kept
        browser.findElement(By.id("appName")).sendKeys("Institute for Load Research");
        browser.findElement(By.cssSelector("#application-form button[type=submit]")).click();
        assertThat(browser.findElement(By.id("error-contact")).getText()).contains("address");
        assertThat(browser.findElement(By.id("appName")).getAttribute("value"))
            .isEqualTo("Institute for Load Research");
        noViolations(browser, "data console with form errors");
        browser.findElement(By.id("contact")).sendKeys("data@research.example");
        browser.findElement(By.id("appPurpose")).sendKeys("hourly load profiles of homes");
        browser.findElement(By.id("redirectUris")).sendKeys("https://research.example/callback");
        browser.findElement(By.cssSelector("#application-form button[type=submit]")).click();
        assertThat(browser.findElement(By.id("console-notice")).getText()).contains("registered");
        assertThat(browser.findElement(By.cssSelector("#application-list td.state")).getText())
            .isEqualTo("pending");
        assertThat(browser.findElement(By.id("publish-waits")).getText())
            .contains("once an operator has approved");

        login(browser, base, "operator", "operator-password");
        browser.findElement(By.linkText("Data applications")).click();
        assertThat(browser.findElement(By.cssSelector("#data-application-list td.state")).getText())
            .isEqualTo("pending");
        noViolations(browser, "operator's data applications");
        browser
            .findElement(By.cssSelector("#data-application-list button[value=APPROVED]"))
            .click();
        assertThat(
                textOnceItShows(
                    browser, By.cssSelector("#data-application-list td.state"), "approved"))
            .isEqualTo("approved");
        assertThat(browser.findElements(By.cssSelector("#data-application-list button"))).isEmpty();

        login(browser, base, "institute", "institute-password");
        assertThat(browser.findElement(By.cssSelector("#application-list td.state")).getText())
            .isEqualTo("approved");
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        new Select(browser.findElement(By.id("resolution"))).selectByValue("hourly");
        browser.findElement(By.id("exportData")).click();
        browser.findElement(By.id("firstDay")).sendKeys(today.minusDays(7).toString());
        browser.findElement(By.id("lastDay")).sendKeys(today.toString());
        browser.findElement(By.id("priceEuros")).sendKeys("0.02");
        browser.findElement(By.id("offerPurpose")).sendKeys("hourly load profiles");
        browser.findElement(By.cssSelector("#offer-form button[type=submit]")).click();
        assertThat(browser.findElement(By.id("console-notice")).getText()).contains("published");
        assertThat(browser.findElement(By.id("offer-list")).getText())
            .contains("hourly readings")
            .contains("Institute for Load Research");
        noViolations(browser, "data console with an offer");

        login(browser, base, "anna", "anna-password-1");
        browser.get(base + "/share");
        assertThat(browser.findElement(By.cssSelector("article.offer h3")).getText())
            .isEqualTo("Institute for Load Research");
        noViolations(browser, "share page with an offer");
        browser.findElement(By.cssSelector("article.offer button[type=submit]")).click();
        assertThat(browser.findElement(By.cssSelector("article.grant h3")).getText())
            .isEqualTo("Institute for Load Research: active");
        noViolations(browser, "share page with a grant");
        browser.findElement(By.cssSelector("article.grant button[type=submit]")).click();
        assertThat(textOnceItShows(browser, By.cssSelector("article.grant h3"), "revoked"))
            .isEqualTo("Institute for Load Research: revoked");
        assertThat(browser.findElements(By.cssSelector("article.grant button"))).isEmpty();
        noViolations(browser, "share page with a revoked grant");
        Browser.screenshots(browser, "share-revoked");

        // a standing policy: a price that is no number is refused in words; one that matches the
        // open offer does not grant again what the household revoked
        browser.findElement(By.id("policy-price")).sendKeys("two cents");
        browser.findElement(By.cssSelector("#policy-form button[type=submit]")).click();
        assertThat(browser.findElement(By.cssSelector("p.error")).getText())
            .contains("lowest price");
        new Select(browser.findElement(By.id("policy-resolution"))).selectByValue("hourly");
        browser.findElement(By.id("policy-price")).clear();
        browser.findElement(By.id("policy-price")).sendKeys("0.02");
        browser.findElement(By.cssSelector("#policy-form button[type=submit]")).click();
        assertThat(textOnceItShows(browser, By.id("policy-summary"), "hourly readings or coarser"))
            .contains("without statements");
        assertThat(browser.findElements(By.cssSelector("article.grant"))).hasSize(1);
        noViolations(browser, "share page with a standing policy");
        browser.findElement(By.cssSelector("#policy-remove button[type=submit]")).click();
        assertThat(textOnceItShows(browser, By.id("policy-summary"), "no standing policy"))
            .contains("no standing policy");

        login(browser, base, "institute", "institute-password");
        String grantRow = browser.findElement(By.cssSelector("#grant-list tbody tr")).getText();
        assertThat(grantRow).contains("revoked").matches("(?s)^H-[0-9a-f]{8}.*");
        noViolations(browser, "data console with a revoked grant");
        Browser.screenshots(browser, "data-console");

        // a household's pages are not the console's, nor the console the household's
        browser.get(base + "/share");
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Not for your role");
      } finally {
        browser.quit();
      }
    }
  }

  /**
   * The text of {@code by} once it shows {@code expected}: after a form posts, the element of the
   * page before may still be there until the answer replaces it, and reading it while it goes fails
   * (as a stale element, or as Chrome's "node does not belong to the document").
   */
  private static String textOnceItShows(WebDriver browser, By by, String expected) {
    return new WebDriverWait(browser, Duration.ofSeconds(30))
        .ignoring(WebDriverException.class)
        .until(
            d -> {
              String text = d.findElement(by).getText();
              return text.contains(expected) ? text : null;
            });
  }

  private static void login(WebDriver browser, String base, String user, String password) {
    browser.manage().deleteAllCookies();
    browser.get(base + "/login");
    browser.findElement(By.id("username")).sendKeys(user);
    browser.findElement(By.id("password")).sendKeys(password);
    browser.findElement(By.cssSelector("#login-form button[type=submit]")).click();
    new WebDriverWait(browser, Duration.ofSeconds(30))
        .until(d -> !d.findElements(By.cssSelector(".logout button")).isEmpty());
  }

  /** axe-core on the page shown: no violation of any impact. */
  private static void noViolations(WebDriver browser, String page) {
    List<Axe.Violation> violations = Axe.violations(browser);
    assertThat(violations).as("axe on the " + page).isEmpty();
  }
}

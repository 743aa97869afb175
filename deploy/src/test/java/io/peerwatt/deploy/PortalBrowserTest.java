package io.peerwatt.deploy;

import static io.peerwatt.trading.testing.ApiClient.ok;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.Select;

/**
 * The portal in a real browser against a running platform, set up through the API like an operator
 * would. One platform and one browser for the class; axe-core checks every page shown (no serious
 * or critical violation) and each is saved as a screenshot at desktop and phone width.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PortalBrowserTest {
  private static final String ZONE = "DE-TEST";

  private PlatformHarness h;
  private Platform platform;
  private WebDriver browser;
  private final java.util.List<String> axeReport = new java.util.ArrayList<>();

  @BeforeAll
  void start(@TempDir Path dir) {
    h = PlatformHarness.start(dir.resolve("data"));
    platform = h.platform;
    neighbourhood(h);
    browser = Browser.open(dir.resolve("profile"), 1280, 1000);
  }

  @AfterAll
  void stop() throws java.io.IOException {
    try {
      if (browser != null) {
        browser.quit();
      }
    } finally {
      h.close();
    }
    Path screenshots =
        Path.of(System.getProperty("peerwatt.root", ".."), "web-ui", "target", "screenshots");
    java.nio.file.Files.createDirectories(screenshots);
    java.nio.file.Files.write(screenshots.resolve("axe-portal.txt"), axeReport);
  }

  /** axe on the page shown: nothing serious or critical; then its screenshots. */
  private void checkPage(String name) {
    java.util.List<Axe.Violation> all = Axe.violations(browser);
    axeReport.add(
        name + ": " + (all.isEmpty() ? "no violations" : all.size() + " violation(s): " + all));
    assertThat(
            all.stream()
                .filter(v -> v.impact().equals("serious") || v.impact().equals("critical"))
                .toList())
        .as("axe on " + name)
        .isEmpty();
    Browser.screenshots(browser, name);
  }

  /**
   * A continuous-trading zone, an operator, a utility, and two prosumers with a metering point
   * each.
   */
  private static void neighbourhood(PlatformHarness h) {
    String op = h.operator("operator", "operator-password");
    h.api.zone(op, ZONE, PlatformHarness.testStreetZone());
    ok(
        h.api.post(
            "/accounts",
            op,
            new JsonObject()
                .put("username", "gridco")
                .put("password", "gridco-password-1")
                .put("role", "utility")
                .put("zone", ZONE)
                .put("displayName", "Grid Co")));
    for (String name : new String[] {"alice", "bob"}) {
      long id =
          ok(h.api.post(
                  "/accounts",
                  op,
                  new JsonObject()
                      .put("username", name)
                      .put("password", name + "-password-1")
                      .put("role", "prosumer")
                      .put("zone", ZONE)
                      .put("displayName", name)))
              .getLong("id");
      ok(
          h.api.post(
              "/metering-points",
              op,
              new JsonObject()
                  .put("accountId", id)
                  .put("label", name + "'s house")
                  .put("maxPowerW", 11_000)));
    }
  }

  private static void portalLogin(WebDriver browser, Platform p, String user, String password) {
    browser.manage().deleteAllCookies();
    browser.get(p.baseUrl() + "/");
    browser.findElement(By.id("username")).sendKeys(user);
    browser.findElement(By.id("password")).sendKeys(password);
    browser.findElement(By.cssSelector("#login-form button[type=submit]")).click();
    // the click returns before the answer: wait for it, or a later navigation would race the
    // login's redirect
    new org.openqa.selenium.support.ui.WebDriverWait(browser, java.time.Duration.ofSeconds(30))
        .until(
            d ->
                !d.findElements(By.id("login-error")).isEmpty()
                    || !d.findElements(By.cssSelector(".logout button")).isEmpty());
  }

  /** Waits for a live-updated element's text (htmx may swap the element while we read it). */
  private static void awaitText(WebDriver browser, String id, String... parts) {
    new org.openqa.selenium.support.ui.WebDriverWait(browser, java.time.Duration.ofSeconds(30))
        .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
        .until(
            d -> {
              String text = d.findElement(By.id(id)).getText();
              return java.util.Arrays.stream(parts).allMatch(text::contains);
            });
  }

  @Test
  @Order(1)
  void prosumerLogsInPlacesAnOrderAndSeesItInTheBook() {
    long idle = h.eventBusHandlers();
    browser.manage().deleteAllCookies();
    browser.get(platform.baseUrl() + "/");
    assertThat(browser.getTitle()).isEqualTo("Log in · PeerWatt");
    checkPage("login");

    portalLogin(browser, platform, "alice", "wrong password");
    assertThat(browser.findElement(By.id("login-error")).getText())
        .isEqualTo("Wrong username or password.");

    portalLogin(browser, platform, "alice", "alice-password-1");
    assertThat(browser.getCurrentUrl()).endsWith("/dashboard");
    assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Your home");
    checkPage("dashboard");

    // a market page holds a live stream through the portal to the API (one more event-bus handler
    // on the platform); closing its tab ends it. Closed tabs used to keep theirs, and from about
    // the sixth on every portal page waited 15 s, then showed a 500. (Navigating away does not end
    // it in Chromium: the page and its EventSource stay in the back/forward cache. This tab has not
    // shown a market page yet.)
    var streams =
        new org.openqa.selenium.support.ui.WebDriverWait(browser, java.time.Duration.ofSeconds(10));
    String dashboard = browser.getWindowHandle();
    for (int i = 0; i < 8; i++) {
      browser
          .switchTo()
          .newWindow(org.openqa.selenium.WindowType.TAB)
          .get(platform.baseUrl() + "/market");
      assertThat(browser.findElement(By.tagName("h1")).getText())
          .isEqualTo("Market · zone " + ZONE);
      streams.until(d -> h.eventBusHandlers() == idle + 1);
      browser.close();
      browser.switchTo().window(dashboard);
      streams.until(d -> h.eventBusHandlers() == idle);
    }

    browser.get(platform.baseUrl() + "/market");
    // the form offers the next slot with time to trade, not one whose gate closes in seconds
    String offered =
        new Select(browser.findElement(By.id("slot"))).getFirstSelectedOption().getText();
    assertThat(offered).containsPattern("closes in (\\d+ h|([5-9]|[1-5]\\d) min)");
    browser.findElement(By.id("quantityKwh")).sendKeys("1.5");
    browser.findElement(By.id("priceCt")).sendKeys("20");
    new Select(browser.findElement(By.id("side"))).selectByValue("SELL");
    browser.findElement(By.cssSelector("#order-form button[type=submit]")).click();
    awaitText(browser, "depth", "1.500 kWh", "20.000 ct/kWh");
    awaitText(browser, "my-orders", "sell", "waiting for a match");
    checkPage("market");

    // a refusal says why in plain words, with the zone's number
    browser.findElement(By.id("quantityKwh")).sendKeys("5000");
    browser.findElement(By.id("priceCt")).sendKeys("20");
    browser.findElement(By.cssSelector("#order-form button[type=submit]")).click();
    assertThat(browser.findElement(By.id("error-quantityKwh")).getText())
        .isEqualTo("An order in zone " + ZONE + " is at most 1000.000 kWh.");
    checkPage("market-validation");

    browser.get(platform.baseUrl() + "/devices");
    browser.findElement(By.cssSelector("form[action='/devices/codes'] button")).click();
    assertThat(browser.findElement(By.id("enrolment-code")).getText()).isNotBlank();
    checkPage("devices");
  }

  @Test
  @Order(2)
  void prosumerAddsARuleThatTradesFromTheLastHour() {
    portalLogin(browser, platform, "alice", "alice-password-1");
    browser.get(platform.baseUrl() + "/market");
    // the API's range check comes back to the rule form, in words
    addRule(browser, "RECENT", "5");
    assertThat(browser.findElement(By.id("error-rule")).getText())
        .isEqualTo("Horizon (minutes): must be 15 to 1440.");
    addRule(browser, "RECENT", "90");
    awaitText(browser, "rules", "last hour, slots within 90 min");
    ((org.openqa.selenium.JavascriptExecutor) browser)
        .executeScript("document.getElementById('rules-h').scrollIntoView()");
    Browser.screenshot(browser, "market-rules");
  }

  private static void addRule(WebDriver browser, String forecast, String horizonMinutes) {
    browser.findElement(By.id("rule-price")).sendKeys("20");
    browser.findElement(By.id("rule-cap")).sendKeys("5");
    new Select(browser.findElement(By.id("rule-forecast"))).selectByValue(forecast);
    browser.findElement(By.id("rule-horizon")).clear();
    browser.findElement(By.id("rule-horizon")).sendKeys(horizonMinutes);
    browser.findElement(By.cssSelector("#rule-form button[type=submit]")).click();
  }

  @Test
  @Order(3)
  void operatorUtilityAndSettlementPagesRender() {
    portalLogin(browser, platform, "operator", "operator-password");
    assertThat(browser.getCurrentUrl()).endsWith("/operator");
    assertThat(browser.findElement(By.id("health-status")).getText()).startsWith("UP");
    assertThat(browser.findElement(By.id("zones")).getText()).contains(ZONE).contains("continuous");
    assertThat(browser.findElement(By.tagName("main")).getText())
        .contains("devnet")
        .contains("hub wallet");
    checkPage("operator");
    browser.get(platform.baseUrl() + "/operator/devices");
    assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("All gateways");
    checkPage("operator-devices");
    browser.get(platform.baseUrl() + "/operator/zones?edit=" + ZONE);
    assertThat(browser.findElement(By.id("gridFeeCt")).getAttribute("value")).isEqualTo("2");
    checkPage("operator-zones");
    browser.get(platform.baseUrl() + "/operator/accounts");
    checkPage("operator-accounts");

    portalLogin(browser, platform, "gridco", "gridco-password-1");
    assertThat(browser.getCurrentUrl()).contains("/utility");
    assertThat(browser.findElement(By.tagName("h1")).getText()).startsWith("Zone " + ZONE);
    assertThat(browser.findElements(By.cssSelector("main .error")))
        .as("the report API answered")
        .isEmpty();
    assertThat(browser.findElement(By.id("report-hash")).getText()).matches("[0-9a-f]{64}");
    checkPage("utility");
    browser.get(platform.baseUrl() + "/market");
    assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Not for your role");

    portalLogin(browser, platform, "alice", "alice-password-1");
    browser.get(platform.baseUrl() + "/statements");
    assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Money");
    checkPage("statements");
    browser.get(platform.baseUrl() + "/channels");
    assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Payment channels");
    checkPage("channels");
    browser.get(platform.baseUrl() + "/data");
    assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Download my data");
    checkPage("data");
    browser.get(platform.baseUrl() + "/operator");
    assertThat(browser.findElement(By.cssSelector(".status")).getText()).isEqualTo("403");
  }

  @Test
  @Order(4)
  void aProofBundleVerifiesInThePageAndATamperedOneNamesTheFailingStep() throws Exception {
    JsonObject example =
        new JsonObject(
            java.nio.file.Files.readString(
                Path.of(
                    System.getProperty("peerwatt.root"),
                    "protocol/src/test/resources/io/peerwatt/protocol/anchor/proof-bundle-example.json")));
    JsonObject bundle = example.getJsonObject("bundle");
    portalLogin(browser, platform, "alice", "alice-password-1");
    browser.get(platform.baseUrl() + "/proofs");
    org.openqa.selenium.JavascriptExecutor js = (org.openqa.selenium.JavascriptExecutor) browser;
    js.executeScript(
        "document.getElementById('bundle-json').value = arguments[0];"
            + "document.getElementById('platform-key').value = arguments[1];",
        bundle.encodePrettily(),
        example.getString("platformKey"));
    browser.findElement(By.cssSelector("#verify-form button[type=submit]")).click();
    org.openqa.selenium.support.ui.WebDriverWait wait =
        new org.openqa.selenium.support.ui.WebDriverWait(browser, java.time.Duration.ofSeconds(30));
    wait.until(d -> d.findElement(By.id("verify-verdict")).getAttribute("data-verified") != null);
    assertThat(browser.findElement(By.id("verify-verdict")).getAttribute("data-verified"))
        .isEqualTo("true");
    for (String step :
        new String[] {
          "bundleFormat",
          "deviceSignature",
          "certificate",
          "leafToAnchorRoot",
          "rootInAnchorTx",
          "txInBlock",
          "proofOfWork"
        }) {
      assertThat(
              browser
                  .findElement(By.cssSelector("#verify-steps li[data-step=" + step + "]"))
                  .getAttribute("data-status"))
          .as(step)
          .isEqualTo("pass");
    }
    // and what it proves, in words: the meter, the time, the counters, the block
    wait.until(d -> d.findElement(By.id("verify-words")).isDisplayed());
    assertThat(browser.findElement(By.id("verify-words")).getText())
        .contains("was read at")
        .contains("kWh drawn from the grid")
        .contains("mined in block");
    checkPage("proofs");

    String item = bundle.getString("item");
    String flipped =
        item.substring(0, 60) + (item.charAt(60) == '0' ? '1' : '0') + item.substring(61);
    js.executeScript(
        "document.getElementById('bundle-json').value = arguments[0];",
        bundle.copy().put("item", flipped).encode());
    browser.findElement(By.cssSelector("#verify-form button[type=submit]")).click();
    wait.until(
        d -> "false".equals(d.findElement(By.id("verify-verdict")).getAttribute("data-verified")));
    assertThat(browser.findElement(By.id("verify-verdict")).getAttribute("data-failed-step"))
        .isEqualTo("deviceSignature");
    assertThat(browser.findElement(By.id("verify-verdict")).getText())
        .startsWith("Not verified. This check failed: The signature is valid");
    assertThat(browser.findElement(By.id("verify-words")).isDisplayed()).isFalse();
    Browser.screenshot(browser, "proofs-tampered");
  }

  @Test
  @Order(5)
  void anEnrolmentBundleVerifiesInThePageAndATamperedCertificateFailsAtTheCertificateStep()
      throws Exception {
    JsonObject example =
        new JsonObject(
            java.nio.file.Files.readString(
                Path.of(
                    System.getProperty("peerwatt.root"),
                    "protocol/src/test/resources/io/peerwatt/protocol/anchor/proof-bundle-enrolment-example.json")));
    JsonObject bundle = example.getJsonObject("bundle");
    portalLogin(browser, platform, "alice", "alice-password-1");
    browser.get(platform.baseUrl() + "/proofs");
    org.openqa.selenium.JavascriptExecutor js = (org.openqa.selenium.JavascriptExecutor) browser;
    org.openqa.selenium.support.ui.WebDriverWait wait =
        new org.openqa.selenium.support.ui.WebDriverWait(browser, java.time.Duration.ofSeconds(30));
    js.executeScript(
        "document.getElementById('bundle-json').value = arguments[0];"
            + "document.getElementById('platform-key').value = arguments[1];",
        bundle.encodePrettily(),
        example.getString("platformKey"));
    browser.findElement(By.cssSelector("#verify-form button[type=submit]")).click();
    wait.until(d -> d.findElement(By.id("verify-verdict")).getAttribute("data-verified") != null);
    assertThat(browser.findElement(By.id("verify-verdict")).getAttribute("data-verified"))
        .isEqualTo("true");
    for (String step :
        new String[] {
          "bundleFormat",
          "deviceSignature",
          "certificate",
          "leafToAnchorRoot",
          "rootInAnchorTx",
          "txInBlock",
          "proofOfWork"
        }) {
      assertThat(
              browser
                  .findElement(By.cssSelector("#verify-steps li[data-step=" + step + "]"))
                  .getAttribute("data-status"))
          .as(step)
          .isEqualTo("pass");
    }
    assertThat(
            browser
                .findElement(By.cssSelector("#verify-steps li[data-step=certificate]"))
                .getAttribute("textContent"))
        .contains("certificate serial 7", "metering point DE000111");
    wait.until(d -> d.findElement(By.id("verify-words")).isDisplayed());
    assertThat(browser.findElement(By.id("verify-words")).getText())
        .contains("The platform issued certificate 7")
        .contains("metering point DE000111");
    Browser.screenshot(browser, "proofs-enrolment");

    // serial 7 -> 6 in a copy without the platform's signature over the item: only the
    // certificate's own signature can tell
    String item = bundle.getString("item");
    String flipped =
        item.substring(0, 25) + (item.charAt(25) == '7' ? '6' : '7') + item.substring(26);
    JsonObject tampered = bundle.copy().put("item", flipped);
    tampered.remove("signature");
    js.executeScript(
        "document.getElementById('bundle-json').value = arguments[0];", tampered.encode());
    browser.findElement(By.cssSelector("#verify-form button[type=submit]")).click();
    wait.until(
        d -> "false".equals(d.findElement(By.id("verify-verdict")).getAttribute("data-verified")));
    assertThat(browser.findElement(By.id("verify-verdict")).getAttribute("data-failed-step"))
        .isEqualTo("certificate");
    assertThat(
            browser
                .findElement(By.cssSelector("#verify-steps li[data-step=deviceSignature]"))
                .getAttribute("data-status"))
        .isEqualTo("notApplicable");

    // a verifier trusting another platform key refuses the certificate
    js.executeScript(
        "document.getElementById('bundle-json').value = arguments[0];"
            + "document.getElementById('platform-key').value = arguments[1];",
        bundle.encode(),
        "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798");
    browser.findElement(By.cssSelector("#verify-form button[type=submit]")).click();
    wait.until(
        d ->
            d.findElement(By.cssSelector("#verify-steps li[data-step=certificate]"))
                .getAttribute("textContent")
                .contains("issued by another key"));
    assertThat(browser.findElement(By.id("verify-verdict")).getAttribute("data-verified"))
        .isEqualTo("false");
    Browser.screenshot(browser, "proofs-enrolment-tampered");
  }

  @Test
  @Order(6)
  void aProsumerCannotTouchAnothersOrderAndGetsA403Page() {
    String alice = h.api.login("alice", "alice-password-1");
    String slot =
        ok(h.api.get("/market/" + ZONE + "/slots", alice)).getJsonArray("slots").stream()
            .map(JsonObject.class::cast)
            .filter(s -> s.getString("state").equals("OPEN"))
            .reduce((a, b) -> b)
            .orElseThrow()
            .getString("slot");
    long orderId =
        ok(h.api.post(
                "/orders",
                alice,
                new JsonObject()
                    .put("zone", ZONE)
                    .put("slot", slot)
                    .put("side", "SELL")
                    .put("quantityWh", 1000)
                    .put("limitPriceMilliCtPerKwh", 20_000)
                    .put("type", "LIMIT")))
            .getLong("id");

    browser.manage().window().setSize(new org.openqa.selenium.Dimension(390, 844));
    try {
      portalLogin(browser, platform, "bob", "bob-password-1");
      browser.get(platform.baseUrl() + "/market");
      ((org.openqa.selenium.JavascriptExecutor) browser)
          .executeScript(
              "var f = document.createElement('form'); f.method = 'post'; f.action = '/market/orders/"
                  + orderId
                  + "/cancel';"
                  + "document.body.appendChild(f); f.submit();");
      assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Not yours");
      assertThat(browser.getPageSource()).doesNotContain("Exception").doesNotContain("at io.");
      Browser.screenshot(browser, "forbidden");

      browser.get(platform.baseUrl() + "/operator");
      assertThat(browser.findElement(By.cssSelector(".status")).getText()).isEqualTo("403");
    } finally {
      browser.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 1000));
    }
    assertThat(ok(h.api.get("/orders/" + orderId, alice)).getString("state")).isEqualTo("OPEN");
  }
}

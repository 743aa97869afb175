package io.peerwatt.deploy.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.deploy.Axe;
import io.peerwatt.deploy.Browser;
import io.peerwatt.settlement.report.EspiSchema;
import io.peerwatt.trading.testing.ApiClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
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
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The portal of a running {@code peerwatt demo} (three homes, one zone, two slots) in a real
 * browser, as issue 16 wants it seen: home1's home page shows energy and a chart, its monthly PDF
 * agrees with the statements API, every proof link on its pages verifies in the browser; utility1
 * sees the zone's charts and downloads CSV, PDF and a valid ESPI file listing every metering point;
 * the operator creates a zone and an enrolment code. axe-core checks every page (no serious or
 * critical violation); each page is saved as a screenshot at desktop and phone width. One demo and
 * one browser for the class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DemoPortalBrowserTest {
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  private Path dir;
  private Demo demo;
  private WebDriver browser;
  private ApiClient api;
  private String base;
  private final List<String> axeReport = new ArrayList<>();

  @BeforeAll
  void startDemo(@TempDir Path dir) throws Exception {
    this.dir = dir;
    PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    demo = Demo.start(new Demo.Options(3, 1, 2, 120, 0, dir.resolve("data")), out);
    browser = Browser.open(dir.resolve("profile"), 1280, 1000);
    demo.run();
    base = demo.platform().baseUrl();
    api = new ApiClient(demo.platform().port());
  }

  @AfterAll
  void stop() throws IOException {
    try {
      if (browser != null) {
        browser.quit();
      }
      if (api != null) {
        api.close();
      }
    } finally {
      if (demo != null) {
        demo.close();
      }
    }
    Path file =
        Path.of(System.getProperty("peerwatt.root", ".."), "web-ui", "target", "screenshots");
    Files.createDirectories(file);
    Files.write(file.resolve("axe-demo.txt"), axeReport);
  }

  private void login(String user, String password) {
    browser.manage().deleteAllCookies();
    browser.get(base + "/login");
    browser.findElement(By.id("username")).sendKeys(user);
    browser.findElement(By.id("password")).sendKeys(password);
    browser.findElement(By.cssSelector("#login-form button[type=submit]")).click();
    new WebDriverWait(browser, Duration.ofSeconds(30))
        .until(d -> !d.findElements(By.cssSelector(".logout button")).isEmpty());
  }

  /** Opens {@code path}, runs axe on it and saves its screenshots; fails on serious findings. */
  private void page(String path, String screenshot) {
    browser.get(base + path);
    checkPage(screenshot);
  }

  private void checkPage(String screenshot) {
    List<Axe.Violation> all = Axe.violations(browser);
    axeReport.add(
        screenshot
            + ": "
            + (all.isEmpty() ? "no violations" : all.size() + " violation(s): " + all));
    assertThat(
            all.stream()
                .filter(v -> v.impact().equals("serious") || v.impact().equals("critical"))
                .toList())
        .as("axe on " + screenshot)
        .isEmpty();
    Browser.screenshots(browser, "demo-" + screenshot);
  }

  private HttpResponse<byte[]> download(String path) throws Exception {
    String session = browser.manage().getCookieNamed("pw_session").getValue();
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(base + path))
                .header("cookie", "pw_session=" + session)
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  @Order(1)
  void home1SeesItsEnergyAChartAndItsMoneyOnTheHomePage() {
    login("home1", Neighbourhood.HOME_PASSWORD);
    assertThat(browser.getCurrentUrl()).endsWith("/dashboard");
    // a home with solar panels may draw nothing at noon: what it drew or sent today is not zero
    String drawn = browser.findElement(By.id("today-import")).getText();
    String sent = browser.findElement(By.id("today-export")).getText();
    assertThat(drawn.startsWith("0.000 kWh") && sent.startsWith("0.000 kWh"))
        .as("today: " + drawn + " / " + sent)
        .isFalse();
    // uPlot draws the chart into a canvas
    assertThat(browser.findElements(By.cssSelector("#energy-chart canvas"))).isNotEmpty();
    assertThat(browser.findElement(By.id("energy-table")).getAttribute("textContent"))
        .contains("Used (kWh)");
    checkPage("home");
    page("/dashboard?view=week", "home-week");
    page("/dashboard?view=month", "home-month");
  }

  @Test
  @Order(2)
  void home1sMonthlyPdfAgreesWithTheStatementsApi() throws Exception {
    page("/statements", "money");
    String token = api.login("home1", Neighbourhood.HOME_PASSWORD);
    YearMonth month = YearMonth.from(demo.platform().clock().instant().atZone(BERLIN));
    String from = month.atDay(1).atStartOfDay(BERLIN).toInstant().toString();
    String to = month.plusMonths(1).atDay(1).atStartOfDay(BERLIN).toInstant().toString();
    JsonArray statements =
        ApiClient.ok(api.get("/statements?from=" + from + "&to=" + to + "&limit=5000", token))
            .getJsonArray("statements");
    assertThat(statements).isNotEmpty();
    long net = 0;
    long sat = 0;
    for (Object o : statements) {
      net += ((JsonObject) o).getLong("totalAmount");
      sat += ((JsonObject) o).getLong("totalSat");
    }
    HttpResponse<byte[]> pdf = download("/statements/monthly.pdf?month=" + month);
    assertThat(pdf.statusCode()).isEqualTo(200);
    assertThat(pdf.headers().firstValue("content-type")).hasValue("application/pdf");
    String text;
    try (PDDocument doc = Loader.loadPDF(pdf.body())) {
      text = new PDFTextStripper().getText(doc);
    }
    Files.write(
        Path.of(System.getProperty("peerwatt.root", ".."), "web-ui", "target", "screenshots")
            .resolve("demo-home1-statement.pdf"),
        pdf.body());
    assertThat(text)
        .contains("PeerWatt monthly statement")
        .contains(statements.size() + " statement(s)")
        .containsPattern("Net\\s+" + java.util.regex.Pattern.quote(euros(net)))
        .contains(String.format(java.util.Locale.ENGLISH, "%,d sat", sat));
    HttpResponse<byte[]> csv = download("/statements/monthly.csv?month=" + month);
    assertThat(new String(csv.body(), StandardCharsets.UTF_8).lines())
        .hasSize(statements.size() + 1);
  }

  /** The PDF's form of a net amount: a plus sign for money received, cut to the cent. */
  private static String euros(long milliCt) {
    long abs = Math.abs(milliCt);
    String text;
    if (abs != 0 && abs < 1000) {
      String d = String.format("%05d", abs).replaceAll("0+$", "");
      text = "€0." + (d.length() < 2 ? d + "0" : d);
    } else {
      text = "€" + abs / 100_000 + "." + String.format("%02d", abs / 1000 % 100);
    }
    return (milliCt > 0 ? "+" : milliCt < 0 ? "-" : "") + text;
  }

  @Test
  @Order(3)
  void everyProofLinkOnHome1sPagesVerifiesInTheBrowser() {
    Set<String> links = new LinkedHashSet<>();
    for (String path : List.of("/statements", "/devices")) {
      browser.get(base + path);
      for (WebElement a : browser.findElements(By.cssSelector("a.proof"))) {
        links.add(a.getAttribute("href"));
      }
    }
    assertThat(links).as("statements, trades and readings offer proofs").isNotEmpty();
    assertThat(links).anyMatch(l -> l.contains("kind=statement"));
    assertThat(links).anyMatch(l -> l.contains("kind=reading"));
    boolean first = true;
    for (String link : links) {
      browser.get(link);
      WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
      wait.until(d -> d.findElement(By.id("verify-verdict")).getAttribute("data-verified") != null);
      assertThat(browser.findElement(By.id("verify-verdict")).getAttribute("data-verified"))
          .as(link + ": " + browser.findElement(By.id("verify-verdict")).getText())
          .isEqualTo("true");
      wait.until(d -> d.findElement(By.id("verify-words")).isDisplayed());
      assertThat(browser.findElement(By.id("verify-words")).getText())
          .contains("What this proves")
          .contains("mined in block");
      if (first) {
        checkPage("proof");
        first = false;
      }
    }
  }

  @Test
  @Order(4)
  void home1sOtherPagesPassAxe() {
    page("/devices", "meters");
    page("/market", "market");
    page("/channels", "channels");
    page("/data", "data");
  }

  @Test
  @Order(5)
  void utility1SeesZoneChartsAndDownloadsCsvPdfAndEspiOfEveryMeteringPoint() throws Exception {
    login("utility1", Neighbourhood.UTILITY_PASSWORD);
    assertThat(browser.getCurrentUrl()).contains("/utility");
    assertThat(browser.findElements(By.cssSelector("#zone-chart canvas"))).isNotEmpty();
    assertThat(browser.findElements(By.cssSelector("#price-chart canvas"))).isNotEmpty();
    assertThat(browser.findElement(By.id("report-hash")).getText()).matches("[0-9a-f]{64}");
    checkPage("utility");
    String operator = api.login(Neighbourhood.OPERATOR, Neighbourhood.OPERATOR_PASSWORD);
    JsonArray points =
        ApiClient.ok(api.get("/metering-points", operator)).getJsonArray("meteringPoints");
    assertThat(points).hasSize(3);

    String csvHref = browser.findElement(By.id("download-csv")).getAttribute("href");
    HttpResponse<byte[]> csv =
        download(URI.create(csvHref).getRawPath() + "?" + URI.create(csvHref).getRawQuery());
    assertThat(csv.statusCode()).isEqualTo(200);
    String hash = csv.headers().firstValue("X-PeerWatt-Report-Sha256").orElseThrow();
    assertThat(csv.headers().firstValue("content-disposition").orElseThrow())
        .contains(hash.substring(0, 12));
    assertThat(new String(csv.body(), StandardCharsets.UTF_8)).startsWith("meteringPoints,");

    String query = URI.create(csvHref).getRawQuery().replace("format=csv", "");
    HttpResponse<byte[]> pdf = download("/utility/report?" + query + "format=pdf");
    assertThat(pdf.statusCode()).isEqualTo(200);
    try (PDDocument doc = Loader.loadPDF(pdf.body())) {
      String text = new PDFTextStripper().getText(doc);
      assertThat(text)
          .contains("settlement report, zone DEMO-1")
          .contains(pdf.headers().firstValue("X-PeerWatt-Report-Sha256").orElseThrow());
    }
    Files.write(
        Path.of(System.getProperty("peerwatt.root", ".."), "web-ui", "target", "screenshots")
            .resolve("demo-utility1-report.pdf"),
        pdf.body());

    HttpResponse<byte[]> espi = download("/utility/report?" + query + "format=espi");
    assertThat(espi.statusCode()).isEqualTo(200);
    assertThat(EspiSchema.errors(espi.body())).isEmpty();
    String xml = new String(espi.body(), StandardCharsets.UTF_8);
    for (Object o : points) {
      assertThat(xml).contains("Metering point " + ((JsonObject) o).getLong("id") + " (");
    }
    assertThat(xml.split("<espi:UsagePoint>", -1)).hasSize(points.size() + 1);
    assertThat(xml).contains("<espi:LocalTimeParameters>").contains("<espi:UsageSummary>");
  }

  @Test
  @Order(6)
  void theOperatorCreatesAZoneAndAnEnrolmentCodeInThePortal() {
    login(Neighbourhood.OPERATOR, Neighbourhood.OPERATOR_PASSWORD);
    assertThat(browser.getCurrentUrl()).endsWith("/operator");
    assertThat(browser.findElement(By.id("health-status")).getText()).startsWith("UP");
    assertThat(browser.findElement(By.id("passes")).getText()).contains("done");
    checkPage("operator-monitor");

    page("/operator/zones", "operator-zones");
    browser.findElement(By.id("code")).sendKeys("DEMO-NEW");
    browser.findElement(By.id("name")).sendKeys("New street");
    WebElement retail = browser.findElement(By.id("retailCt"));
    retail.clear();
    retail.sendKeys("31.5");
    browser.findElement(By.cssSelector("#zone-form button[type=submit]")).click();
    assertThat(browser.findElement(By.id("zone-saved")).getText()).contains("DEMO-NEW");
    assertThat(browser.findElement(By.id("zone-list")).getText())
        .contains("DEMO-NEW")
        .contains("31.500 ct/kWh");

    page("/operator/accounts", "operator-accounts");
    browser.findElement(By.cssSelector("#code-form button[type=submit]")).click();
    assertThat(browser.findElement(By.id("enrolment-code")).getText()).isNotBlank();
    checkPage("operator-enrolment-code");

    page("/operator/devices", "operator-gateways");
    page("/utility", "operator-zone-report");
  }
}

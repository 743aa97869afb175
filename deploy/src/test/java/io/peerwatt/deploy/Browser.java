package io.peerwatt.deploy;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium driven by Selenium for the portal's browser tests. Where Chromium or
 * its driver is not installed the calling test is skipped with one line saying so, never failed
 * silently.
 */
public final class Browser {
  private static final File CHROMIUM = new File("/usr/bin/chromium");
  private static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");

  private Browser() {}

  /**
   * A fresh headless Chromium with its own profile, sized like a laptop (or a phone, when asked).
   */
  public static WebDriver open(Path profile, int width, int height) {
    boolean installed = CHROMIUM.canExecute() && CHROMEDRIVER.canExecute();
    if (!installed) {
      System.err.println(
          "Browser tests skipped: install Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)");
    }
    Assumptions.assumeTrue(installed, "chromium and chromium-driver are not installed");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-dev-shm-usage",
        "--user-data-dir=" + profile.toAbsolutePath(),
        "--window-size=" + width + "," + height);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER)
            .usingAnyFreePort()
            .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().implicitlyWait(Duration.ofSeconds(5));
    return driver;
  }

  /** Phone and desktop window sizes the portal's pages are checked at. */
  static final int PHONE_WIDTH = 390;

  static final int PHONE_HEIGHT = 844;

  /**
   * A PNG of the whole page (not only the window) at the window's width, as {@code NAME.png}, and
   * one at phone width as {@code NAME-phone.png}; the window is as before afterwards.
   */
  public static void screenshots(WebDriver driver, String name) {
    org.openqa.selenium.Dimension size = driver.manage().window().getSize();
    fullPage(driver, name, size.getWidth());
    fullPage(driver, name + "-phone", PHONE_WIDTH);
    driver.manage().window().setSize(size);
  }

  private static void fullPage(WebDriver driver, String name, int width) {
    org.openqa.selenium.JavascriptExecutor js = (org.openqa.selenium.JavascriptExecutor) driver;
    driver.manage().window().setSize(new org.openqa.selenium.Dimension(width, 900));
    // charts follow the window's width on resize; give them a moment
    new org.openqa.selenium.support.ui.WebDriverWait(driver, Duration.ofSeconds(5))
        .until(d -> ((Number) js.executeScript("return window.innerWidth")).intValue() <= width);
    js.executeScript("return new Promise(r => setTimeout(r, 300))");
    long height =
        ((Number) js.executeScript("return document.documentElement.scrollHeight")).longValue();
    driver
        .manage()
        .window()
        .setSize(new org.openqa.selenium.Dimension(width, (int) Math.min(height + 20, 6000)));
    screenshot(driver, name);
  }

  /** Writes a PNG of the current page to {@code web-ui/target/screenshots/NAME.png}. */
  public static void screenshot(WebDriver driver, String name) {
    Path dir =
        Path.of(System.getProperty("peerwatt.root", ".."), "web-ui", "target", "screenshots");
    try {
      Files.createDirectories(dir);
      File png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
      Files.copy(png.toPath(), dir.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

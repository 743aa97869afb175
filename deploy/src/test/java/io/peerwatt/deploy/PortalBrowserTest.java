package io.peerwatt.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

/** The portal in a real browser against a running platform. */
class PortalBrowserTest {

  private static PlatformSettings settings(Path dataDir) {
    return PlatformSettings.from(Config.load(PlatformSettings.KEYS, null, Map.of(),
        Map.of("http.port", "0", "data-dir", dataDir.toString())));
  }

  @Test
  void theFirstPageIsTheLoginFormAndAWrongPasswordSaysSo(@TempDir Path dir) {
    try (Platform platform = Platform.start(settings(dir.resolve("data")))) {
      WebDriver browser = Browser.open(dir.resolve("profile"), 1280, 900);
      try {
        browser.get(platform.baseUrl() + "/");
        assertThat(browser.getTitle()).isEqualTo("Log in · PeerWatt");
        assertThat(browser.findElement(By.id("username")).getAttribute("autofocus")).isNotNull();
        Browser.screenshot(browser, "login");

        browser.findElement(By.id("username")).sendKeys("nobody");
        browser.findElement(By.id("password")).sendKeys("wrong password");
        browser.findElement(By.cssSelector("#login-form button[type=submit]")).click();
        assertThat(browser.findElement(By.id("login-error")).getText()).isEqualTo("Wrong username or password.");
        Browser.screenshot(browser, "login-failed");

        browser.get(platform.baseUrl() + "/dashboard");
        assertThat(browser.getCurrentUrl()).endsWith("/login");
      } finally {
        browser.quit();
      }
    }
  }
}

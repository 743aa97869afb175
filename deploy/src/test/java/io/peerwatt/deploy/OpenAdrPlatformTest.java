package io.peerwatt.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenADR 3.1.0 VTN on the running platform, beside {@code /api/v1}: {@code peerwatt admin
 * openadr-client} issues business-logic credentials (secret shown once), which then get a token
 * from {@code /openadr3/3.1.0/auth/token} and create a program.
 */
class OpenAdrPlatformTest {

  @Test
  void adminIssuesCredentialsThatTheRunningVtnAccepts(@TempDir Path dataDir) throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream console = System.out;
    int exit;
    try {
      System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
      exit =
          PeerwattCommand.run(
              "admin", "openadr-client", "--label", "DSO north", "--data-dir", dataDir.toString());
    } finally {
      System.setOut(console);
    }
    assertThat(exit).isZero();
    String output = printed.toString(StandardCharsets.UTF_8);
    String clientId = field(output, "client_id");
    String secret = field(output, "client_secret");

    try (PlatformHarness h = PlatformHarness.start(dataDir)) {
      String vtn = "http://127.0.0.1:" + h.platform.port() + "/openadr3/3.1.0";
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> token =
          http.send(
              HttpRequest.newBuilder(URI.create(vtn + "/auth/token"))
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "grant_type=client_credentials&client_id="
                              + URLEncoder.encode(clientId, StandardCharsets.UTF_8)
                              + "&client_secret="
                              + URLEncoder.encode(secret, StandardCharsets.UTF_8)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
      String bearer = "Bearer " + new JsonObject(token.body()).getString("access_token");
      HttpResponse<String> created =
          http.send(
              HttpRequest.newBuilder(URI.create(vtn + "/programs"))
                  .header("Authorization", bearer)
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          new JsonObject().put("programName", "north-flex").encode()))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      HttpResponse<String> listed =
          http.send(
              HttpRequest.newBuilder(URI.create(vtn + "/programs"))
                  .header("Authorization", bearer)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(new JsonArray(listed.body()).getJsonObject(0).getString("programName"))
          .isEqualTo("north-flex");
      // the platform's own API is where it was
      assertThat(h.api.getPath("/health").statusCode()).isEqualTo(200);
    }
  }

  private static String field(String output, String name) {
    Matcher m = Pattern.compile(name + ":\\s+(\\S+)").matcher(output);
    assertThat(m.find()).as(output).isTrue();
    return m.group(1);
  }
}

package io.peerwatt.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.openapi.contract.OpenAPIContract;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The OpenAPI document the API is served and validated by: its parsed contract, and its text as
 * {@code GET /api/v1/openapi.yaml} answers it.
 */
public record ApiDocument(OpenAPIContract contract, String text) {

  /** Reads the document at class-path location {@code resource}. */
  public static Future<ApiDocument> load(Vertx vertx, String resource) {
    String text;
    try (InputStream in = ApiDocument.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is missing from the class path");
      }
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return OpenAPIContract.from(vertx, resource).map(contract -> new ApiDocument(contract, text));
  }
}

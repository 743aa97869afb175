package io.peerwatt.deploy;

import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.anchor.BundleVerification;
import io.peerwatt.protocol.anchor.BundleVerification.StepResult;
import io.peerwatt.protocol.anchor.ProofBundle;
import io.peerwatt.protocol.anchor.ProofBundleVerifier;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.keys.PublicKey;
import io.peerwatt.protocol.spv.BlockHeader;
import io.peerwatt.protocol.spv.Bump;
import io.peerwatt.protocol.spv.HeaderChain;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code peerwatt verify}: the light client on the command line. Checks a proof bundle (JSON or
 * binary form of protocol/PROOF-BUNDLE.md) offline against a header chain the user trusts, prints
 * every step and exits 0 only when all of them pass (1 when one fails or could not be checked).
 *
 * <p>Headers (file or {@code --header-source}) are the output of {@code GET /api/v1/chain/headers}:
 * {@code {"network": "...", "headers": [{"height": N, "header": "80-byte hex"}, ...]}},
 * consecutive, oldest first.
 */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description =
        "Check a proof bundle offline: signature, certificate, leaf -> anchor root, root in the anchor"
            + " transaction, txid -> BUMP -> block header, proof of work and header chain. Exit 0 only when all pass.")
final class VerifyCommand implements Callable<Integer> {
  /** Headers fetched around the anchor block when asking a header source. */
  private static final int HEADERS_AROUND = 6;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "BUNDLE",
      description = "proof bundle file (JSON or binary PWPB)")
  Path bundleFile;

  @Option(
      names = "--headers",
      paramLabel = "FILE",
      description =
          "trusted block headers: JSON {\"headers\":[{\"height\":N,\"header\":\"hex\"}...]}")
  Path headersFile;

  @Option(
      names = "--header-source",
      paramLabel = "URL",
      description = "headers endpoint to ask, e.g. https://host/api/v1/chain/headers")
  String headerSource;

  @Option(
      names = "--platform-key",
      paramLabel = "HEX",
      description = "the platform's public key (33-byte hex)")
  String platformKeyHex;

  @Option(names = "--json", description = "print the result as JSON")
  boolean json;

  @Override
  public Integer call() {
    byte[] raw = read(bundleFile, "bundle");
    boolean binary =
        raw.length >= 4 && raw[0] == 'P' && raw[1] == 'W' && raw[2] == 'P' && raw[3] == 'B';
    PublicKey platformKey = platformKeyHex == null ? null : platformKey(platformKeyHex);
    HeaderChain chain = null;
    if (headersFile != null && headerSource != null) {
      throw new UserError("give either --headers or --header-source, not both");
    }
    if (headersFile != null) {
      chain =
          parseHeaders(
              new String(read(headersFile, "headers"), StandardCharsets.UTF_8),
              headersFile.toString());
    } else if (headerSource != null) {
      chain = fetchHeaders(headerSource, anchorHeight(raw, binary));
    }
    ProofBundleVerifier.Trust trust = new ProofBundleVerifier.Trust(platformKey, chain);
    BundleVerification result =
        binary
            ? ProofBundleVerifier.verify(raw, trust)
            : ProofBundleVerifier.verifyJson(new String(raw, StandardCharsets.UTF_8), trust);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(Json.writePretty(result.toJson()));
    } else {
      for (StepResult step : result.steps()) {
        out.printf(
            "%-18s %-13s %s%n", step.step().jsonName(), step.status().jsonName(), step.detail());
      }
      out.println(result.verified() ? "VERIFIED" : "NOT VERIFIED");
    }
    out.flush();
    return result.verified() ? 0 : 1;
  }

  private static byte[] read(Path file, String what) {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new UserError("no such " + what + " file: " + file);
    } catch (IOException e) {
      throw new UserError("cannot read " + what + " file " + file + ": " + e.getMessage(), e);
    }
  }

  private static PublicKey platformKey(String hex) {
    try {
      return PublicKey.fromHex(hex.strip());
    } catch (FormatException | IllegalArgumentException e) {
      throw new UserError("--platform-key: not a public key: " + e.getMessage(), e);
    }
  }

  /** Parses the headers endpoint's JSON into a chain; the heights must be consecutive. */
  static HeaderChain parseHeaders(String text, String source) {
    try {
      Map<String, Object> root = Json.parseObject(text);
      List<Object> entries = Json.array(root, "headers");
      if (entries.isEmpty()) {
        throw new UserError(source + ": no headers");
      }
      List<BlockHeader> headers = new ArrayList<>();
      long start = -1;
      for (Object entry : entries) {
        if (!(entry instanceof Map<?, ?>)) {
          throw new UserError(source + ": each header is an object {height, header}");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> h = (Map<String, Object>) entry;
        long height = Json.integer(h, "height", 0, Integer.MAX_VALUE);
        if (start < 0) {
          start = height;
        } else if (height != start + headers.size()) {
          throw new UserError(source + ": header heights are not consecutive at " + height);
        }
        headers.add(BlockHeader.parseHex(Json.string(h, "header")));
      }
      return new HeaderChain(start, headers);
    } catch (FormatException | IllegalArgumentException e) {
      throw new UserError(source + ": not a headers document: " + e.getMessage(), e);
    }
  }

  /**
   * The BUMP's block height, or 0 when the bundle is too damaged to say (the verifier then names
   * the step).
   */
  private static long anchorHeight(byte[] raw, boolean binary) {
    try {
      ProofBundle bundle =
          binary
              ? ProofBundle.decode(raw)
              : ProofBundle.fromJsonText(new String(raw, StandardCharsets.UTF_8));
      return Bump.decode(bundle.bump()).blockHeight();
    } catch (FormatException | IllegalArgumentException e) {
      return 0;
    }
  }

  private static HeaderChain fetchHeaders(String source, long anchorHeight) {
    long from = Math.max(0, anchorHeight - HEADERS_AROUND);
    String sep = source.contains("?") ? "&" : "?";
    URI uri;
    try {
      uri = URI.create(source + sep + "from=" + from + "&count=" + (2 * HEADERS_AROUND + 1));
    } catch (IllegalArgumentException e) {
      throw new UserError("--header-source: not a URL: " + source, e);
    }
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    try {
      HttpResponse<String> response =
          client.send(
              HttpRequest.newBuilder(uri)
                  .timeout(Duration.ofSeconds(30))
                  .header("Accept", "application/json")
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new UserError("--header-source answered HTTP " + response.statusCode());
      }
      return parseHeaders(response.body(), uri.toString());
    } catch (IOException e) {
      throw new UserError("--header-source unreachable: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UserError("interrupted while fetching headers", e);
    }
  }
}

package io.peerwatt.deploy;

import java.util.Map;
import picocli.CommandLine.Option;

/** {@code --node-url}: the Bitcoin SV node of the {@code node} chain backend. */
public final class NodeUrlOption {
  @Option(
      names = "--node-url",
      paramLabel = "URL",
      description = "BSV node JSON-RPC, http://user:pass@host:port (--chain node)")
  String nodeUrl;

  /** Adds the flag by its config key to {@code flags} (null when not given). */
  public void addTo(Map<String, String> flags) {
    flags.put("chain.node-url", nodeUrl);
  }
}

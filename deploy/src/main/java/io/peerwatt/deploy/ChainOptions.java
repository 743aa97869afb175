package io.peerwatt.deploy;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code --chain} and {@code --node-url}: the chain backend of the commands that run or open a
 * platform's chain.
 */
final class ChainOptions {
  @Option(
      names = "--chain",
      paramLabel = "BACKEND",
      description = "chain backend: devnet (default), node or arc")
  String chain;

  @Mixin NodeUrlOption nodeUrl;

  /** The flags by config key (null when not given). */
  Map<String, String> flags() {
    Map<String, String> flags = new LinkedHashMap<>();
    flags.put("chain.backend", chain);
    nodeUrl.addTo(flags);
    return flags;
  }
}

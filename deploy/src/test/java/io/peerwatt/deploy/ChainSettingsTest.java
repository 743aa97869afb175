package io.peerwatt.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerwatt.settlement.chain.arc.ArcBackend;
import io.peerwatt.settlement.chain.node.NodeRpcBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChainSettingsTest {

  static ChainSettings settings(Map<String, String> flags) {
    return ChainSettings.from(Config.load(ChainSettings.withPlatformKeys(), null, Map.of(), flags));
  }

  @Test
  void devnetIsTheDefault() {
    ChainSettings s = settings(Map.of());
    assertThat(s.backend()).isEqualTo("devnet");
    assertThat(s.network()).isEqualTo("devnet");
  }

  @Test
  void nodeNeedsAUrlAndNeverPrintsIt() {
    assertThatThrownBy(() -> settings(Map.of("chain.backend", "node")))
        .isInstanceOf(UserError.class)
        .hasMessageContaining("--node-url");
    ChainSettings s =
        settings(
            Map.of("chain.backend", "node", "chain.node-url", "http://rpc:secret@127.0.0.1:18332"));
    assertThat(s.network()).isEqualTo("regtest");
    assertThat(s.toString()).doesNotContain("secret");
    assertThat(s.open(null, Clock.systemUTC())).isInstanceOf(NodeRpcBackend.class);
  }

  @Test
  void arcNeedsArcAndHeadersUrlsAndReadsTheKeyFromAFile(@TempDir Path dir) throws Exception {
    assertThatThrownBy(
            () -> settings(Map.of("chain.backend", "arc", "chain.arc-url", "https://arc.example")))
        .isInstanceOf(UserError.class)
        .hasMessageContaining("chain.headers-url");
    Path key = Files.writeString(dir.resolve("arc.key"), "mainnet_abc\n");
    Map<String, String> flags = new HashMap<>();
    flags.put("chain.backend", "arc");
    flags.put("chain.arc-url", "https://arc.example");
    flags.put("chain.headers-url", "https://headers.example");
    flags.put("chain.arc-api-key-file", key.toString());
    ChainSettings s = settings(flags);
    assertThat(s.arcApiKey()).isEqualTo("mainnet_abc");
    assertThat(s.network()).isEqualTo("mainnet");
    assertThat(s.open(null, Clock.systemUTC())).isInstanceOf(ArcBackend.class);
  }

  @Test
  void anUnknownBackendIsRefused() {
    assertThatThrownBy(() -> settings(Map.of("chain.backend", "ethereum")))
        .isInstanceOf(UserError.class);
    assertThat(PeerwattCommand.run("platform", "--chain", "ethereum", "--port", "0")).isEqualTo(2);
  }
}

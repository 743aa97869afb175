package io.peerwatt.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerwatt.cluster.ClusterSettings.Role;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterSettingsTest {

  @Test
  void nothingConfiguredIsTheSingleProcessWithEveryRole() {
    ClusterSettings settings = ClusterSettings.parse(null, null, null);

    assertThat(settings.kafka()).isFalse();
    assertThat(settings.roles()).isEqualTo(EnumSet.allOf(Role.class));
    assertThat(settings).isEqualTo(ClusterSettings.singleProcess());
  }

  @Test
  void everyRoleSpelledOutNeedsNoKafka() {
    assertThat(ClusterSettings.parse("", "", "settlement, market,ingest,API").kafka()).isFalse();
  }

  @Test
  void aNodeOfAClusterHasItsServersIdAndRoles() {
    ClusterSettings settings =
        ClusterSettings.parse("kafka-1:9092, 10.0.0.2:9093", "node-1", "api,ingest");

    assertThat(settings.kafka()).isTrue();
    assertThat(settings.bootstrapServers()).containsExactly("kafka-1:9092", "10.0.0.2:9093");
    assertThat(settings.bootstrapServersConfig()).isEqualTo("kafka-1:9092,10.0.0.2:9093");
    assertThat(settings.nodeId()).isEqualTo("node-1");
    assertThat(settings.runs(Role.INGEST)).isTrue();
    assertThat(settings.runs(Role.SETTLEMENT)).isFalse();
    assertThat(settings.roleNames()).isEqualTo("api,ingest");
  }

  @Test
  void aRoleSubsetWithoutKafkaIsRefused() {
    assertThatThrownBy(() -> ClusterSettings.parse(null, null, "ingest"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--roles ingest needs kafka.bootstrap-servers");
  }

  @Test
  void kafkaWithoutNodeIdIsRefused() {
    assertThatThrownBy(() -> ClusterSettings.parse("kafka:9092", " ", null))
        .hasMessageContaining("node.id is required");
  }

  @Test
  void aNodeIdWithoutKafkaIsRefused() {
    assertThatThrownBy(() -> ClusterSettings.parse(null, "node-1", null))
        .hasMessageContaining("set kafka.bootstrap-servers too");
  }

  @Test
  void malformedValuesAreRefusedNamingTheKey() {
    assertThatThrownBy(() -> ClusterSettings.parse("kafka", "n", null))
        .hasMessageContaining("kafka.bootstrap-servers: 'kafka' is not host:port");
    assertThatThrownBy(() -> ClusterSettings.parse("kafka:70000", "n", null))
        .hasMessageContaining("is not host:port");
    assertThatThrownBy(() -> ClusterSettings.parse("kafka:9092", "node 1", null))
        .hasMessageContaining("node.id: 'node 1' must be");
    assertThatThrownBy(() -> ClusterSettings.parse("kafka:9092", "n", "api,broker"))
        .hasMessageContaining("unknown role 'broker'; the roles are api,ingest,market,settlement");
    assertThatThrownBy(() -> ClusterSettings.parse("kafka:9092", "n", " , "))
        .hasMessageContaining("names no role");
  }

  @Test
  void theRolesAreTheIssuesFour() {
    assertThat(List.of(Role.values()).stream().map(Role::wireName))
        .containsExactly("api", "ingest", "market", "settlement");
  }
}

package dev.cairn.shell.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.CoreConfig;
import dev.cairn.core.NodeAddress;
import dev.cairn.core.NodeId;
import dev.cairn.shell.config.ConfigLoader;
import dev.cairn.shell.p2p.HostResolver;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What the node's core is given from config.toml. */
class CoreConfigsTest {

  private static final NodeId SELF = NodeId.of("0123456789abcdef0123456789abcdef01234567");

  private static CoreConfig from(String toml) throws Exception {
    return CoreConfigs.from(ConfigLoader.parse(toml, "config.toml", Optional.empty()), SELF,
        List.of(new NodeAddress(SELF, "10.0.0.1", 26656)), HostResolver.none());
  }

  /**
   * An address given up after its failed dials is tried again after the retry cap, not a day
   * later: 16 failures at the default 250 ms steps are about a minute of a peer's outage.
   */
  @Test
  void anAddressGivenUpIsTriedAgainAfterTheRetryCap() throws Exception {
    String base = "[p2p]\nladdr = \"tcp://10.0.0.1:26656\"\n[cairn]\nnetwork = \"n\"\n";
    CoreConfig d = from(base);
    assertThat(d.peer().maxDialAttempts()).isEqualTo(16);
    assertThat(d.peer().unreachableRetryTime()).isEqualTo(Duration.ofMinutes(30)).isEqualTo(d.peer().maxRetryTime());
    CoreConfig set = from(base + "retry_delay_max = \"10m\"\n");
    assertThat(set.peer().unreachableRetryTime()).isEqualTo(Duration.ofMinutes(10));
  }
}

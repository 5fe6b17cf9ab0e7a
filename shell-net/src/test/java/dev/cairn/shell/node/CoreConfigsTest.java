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

  /**
   * More persistent peers than outbound slots is refused in config.toml's terms (the core's own
   * check names its fields); our own ID in the list and unconditional peers do not count.
   */
  @Test
  void morePersistentPeersThanOutboundSlotsIsRefusedInTheFilesTerms() throws Exception {
    String a = "aa".repeat(20) + "@10.0.0.2:26656";
    String b = "bb".repeat(20) + "@10.0.0.3:26656";
    String self = SELF.hex() + "@10.0.0.1:26656";
    String tooMany = "[p2p]\nladdr = \"tcp://10.0.0.1:26656\"\nmax_num_outbound_peers = 1\npersistent_peers = \""
        + a + "," + b + "," + self + "\"\n[cairn]\nnetwork = \"n\"\n";
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> from(tooMany))
        .hasMessage("[p2p] persistent_peers lists 2 peers that are not in unconditional_peer_ids, more than"
            + " max_num_outbound_peers = 1: they could never all be connected; raise max_num_outbound_peers or list"
            + " them in unconditional_peer_ids");
    CoreConfig fits = from(tooMany.replace("[cairn]", "unconditional_peer_ids = \"" + "bb".repeat(20) + "\"\n[cairn]"));
    assertThat(fits.peer().persistentPeers()).hasSize(2);
  }
}

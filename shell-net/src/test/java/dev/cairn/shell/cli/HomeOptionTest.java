package dev.cairn.shell.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class HomeOptionTest {

  @Test
  void cairnHomeWinsThenTheShellsHomeThenTheJvmsUserHome() {
    assertThat(HomeOption.defaultHome("/srv/node", "/home/op", "/root")).isEqualTo(Path.of("/srv/node"));
    assertThat(HomeOption.defaultHome(null, "/home/op", "/root")).isEqualTo(Path.of("/home/op/.cairn"));
    assertThat(HomeOption.defaultHome("  ", "/home/op", "/root")).isEqualTo(Path.of("/home/op/.cairn"));
    assertThat(HomeOption.defaultHome(null, null, "/root")).isEqualTo(Path.of("/root/.cairn"));
    assertThat(HomeOption.defaultHome(null, "", "/root")).isEqualTo(Path.of("/root/.cairn"));
  }

  @Test
  void anExplicitHomeIsTakenAsGiven() {
    HomeOption o = new HomeOption();
    o.home = Path.of("relative/home");
    assertThat(o.resolve()).isEqualTo(Path.of("relative/home"));
  }
}

package dev.cairn.shell.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GoDurationTest {

  @ParameterizedTest
  @CsvSource({
    "0, 0", "0s, 0", "-0, 0", "100ms, 100000000", "3s, 3000000000", "1m30s, 90000000000",
    "1.5h, 5400000000000", "1h2m3.004s, 3723004000000", "20us, 20000", "20µs, 20000", "20μs, 20000",
    "7ns, 7", "-1.5s, -1500000000", "+2m, 120000000000", ".5s, 500000000", "1.s, 1000000000",
    "168h0m0s, 604800000000000"
  })
  void parse_acceptsGoSyntax(String text, long nanos) {
    assertThat(GoDuration.parse(text)).isEqualTo(Duration.ofNanos(nanos));
  }

  @ParameterizedTest
  @CsvSource({"'', Go duration", "s, Go duration", "100, without a unit", "1d, unknown unit",
    "1.2.3s, Go duration", "3 s, unknown unit", "-, Go duration", "3000000h, maximum"})
  void parse_rejectsWithTheRule(String text, String rule) {
    assertThatThrownBy(() -> GoDuration.parse(text)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(rule);
  }

  @ParameterizedTest
  @CsvSource({
    "0, 0s", "1, 1ns", "1500, 1.5µs", "100000000, 100ms", "1000000000, 1s", "1500000000, 1.5s",
    "90000000000, 1m30s", "1800000000000, 30m0s", "3600000000000, 1h0m0s", "-2000000000, -2s",
    "3723004000000, 1h2m3.004s", "10000000, 10ms"
  })
  void format_printsLikeGo(long nanos, String text) {
    assertThat(GoDuration.format(Duration.ofNanos(nanos))).isEqualTo(text);
  }

  @Property
  void formatThenParse_isIdentity(@ForAll @LongRange(min = -9_000_000_000_000_000L, max = 9_000_000_000_000_000L) long nanos) {
    Duration d = Duration.ofNanos(nanos);
    assertThat(GoDuration.parse(GoDuration.format(d))).isEqualTo(d);
  }
}
